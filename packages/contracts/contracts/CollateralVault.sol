// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IWormholeCore} from "./IWormholeCore.sol";

interface IERC20Minimal {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title CollateralVault
/// @notice Escrows allow-listed ERC-20 collateral per account. Every balance change emits an event for
/// indexers and publishes an xmargin collateral message (150 bytes, "XMCL" v1) through the Wormhole core
/// bridge, so the same change can also be proven on another chain by a guardian-signed VAA.
contract CollateralVault {
    uint8 internal constant KIND_DEPOSIT = 1;
    uint8 internal constant KIND_WITHDRAW = 2;
    uint8 internal constant KIND_SNAPSHOT = 3;
    /// Wormhole "finalized": guardians sign only once the block is final.
    uint8 public constant CONSISTENCY_LEVEL = 202;

    IWormholeCore public immutable wormhole;
    address public owner;
    /// Counts published messages, +1 per message (the collateral message's vaultNonce).
    uint64 public vaultNonce;

    mapping(address => bool) public tokenAllowed;
    mapping(address => mapping(address => uint256)) public balanceOf;

    event TokenAllowed(address indexed token, bool allowed);
    /// `timestamp` is the block's time: indexers get it with the log instead of reading every block header.
    event Deposit(
        address indexed account,
        address indexed token,
        uint256 amount,
        uint256 balance,
        uint64 vaultNonce,
        uint64 timestamp
    );
    event Withdraw(
        address indexed account,
        address indexed token,
        uint256 amount,
        uint256 balance,
        uint64 vaultNonce,
        uint64 timestamp
    );

    error NotOwner(address caller);
    error TokenNotAllowed(address token);
    error ZeroAmount();
    error InsufficientVaultBalance(address account, address token, uint256 balance, uint256 needed);
    error TokenTransferFailed(address token);

    constructor(IWormholeCore wormhole_) {
        wormhole = wormhole_;
        owner = msg.sender;
    }

    function setTokenAllowed(address token, bool allowed) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        tokenAllowed[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    /// @notice Pulls `amount` of `token` from the caller and credits the caller's vault balance.
    /// `msg.value` pays the core bridge message fee.
    function deposit(address token, uint256 amount) external payable returns (uint64 sequence) {
        if (!tokenAllowed[token]) revert TokenNotAllowed(token);
        if (amount == 0) revert ZeroAmount();
        uint256 balance = balanceOf[msg.sender][token] + amount;
        balanceOf[msg.sender][token] = balance;
        if (!IERC20Minimal(token).transferFrom(msg.sender, address(this), amount)) {
            revert TokenTransferFailed(token);
        }
        uint64 nonce = ++vaultNonce;
        emit Deposit(msg.sender, token, amount, balance, nonce, uint64(block.timestamp));
        sequence = _publish(KIND_DEPOSIT, msg.sender, token, amount, balance, nonce);
    }

    /// @notice Debits the caller's vault balance and sends `amount` of `token` to `to`.
    /// Withdrawals of de-listed tokens stay possible so collateral is never trapped.
    function withdraw(address token, uint256 amount, address to) external payable returns (uint64 sequence) {
        if (amount == 0) revert ZeroAmount();
        uint256 current = balanceOf[msg.sender][token];
        if (current < amount) revert InsufficientVaultBalance(msg.sender, token, current, amount);
        uint256 balance = current - amount;
        balanceOf[msg.sender][token] = balance;
        if (!IERC20Minimal(token).transfer(to, amount)) revert TokenTransferFailed(token);
        uint64 nonce = ++vaultNonce;
        emit Withdraw(msg.sender, token, amount, balance, nonce, uint64(block.timestamp));
        sequence = _publish(KIND_WITHDRAW, msg.sender, token, amount, balance, nonce);
    }

    /// @notice Re-publishes an account's current balance (kind 3), e.g. to prove it on a new chain.
    function publishSnapshot(address account, address token) external payable returns (uint64 sequence) {
        uint256 balance = balanceOf[account][token];
        uint64 nonce = ++vaultNonce;
        sequence = _publish(KIND_SNAPSHOT, account, token, balance, balance, nonce);
    }

    function _publish(uint8 kind, address account, address token, uint256 amount, uint256 balance, uint64 nonce)
        internal
        returns (uint64)
    {
        bytes memory payload = abi.encodePacked(
            bytes4("XMCL"),
            uint8(1),
            kind,
            bytes32(uint256(uint160(account))),
            bytes32(uint256(uint160(token))),
            amount,
            balance,
            uint64(block.number),
            nonce
        );
        return wormhole.publishMessage{value: msg.value}(uint32(nonce), payload, CONSISTENCY_LEVEL);
    }
}
