// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IWormholeCore} from "./IWormholeCore.sol";
import {XmarginEip712} from "./XmarginEip712.sol";

interface IERC20Minimal {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @notice Withdrawal authorised by the engine's settlement key (EIP-712).
struct Withdrawal {
    address account;
    address token;
    uint256 amount;
    address to;
    uint256 nonce;
    uint256 deadline;
}

/// @notice Seizure of an account's collateral authorised by the engine (liquidation settlement).
struct Seize {
    address account;
    address token;
    uint256 amount;
    address to;
    uint256 nonce;
    uint256 deadline;
}

/// @title CollateralVault
/// @notice Escrows allow-listed ERC-20 collateral per account. Every balance change emits an event for
/// indexers and publishes an xmargin collateral message (150 bytes, "XMCL" v1) through the Wormhole core
/// bridge, so the same change can also be proven on another chain by a guardian-signed VAA.
/// Collateral leaves only with an EIP-712 authorisation signed by the engine's settlement key (`signer`):
/// a Withdrawal, which the engine signs when the account's unified margin stays covered after it, or a
/// Seize, which settles a liquidation. Liveness: if the engine stops answering, an account requests a
/// forced withdrawal and may execute it without a signature once `forcedWithdrawalDelay` has passed.
contract CollateralVault {
    uint8 internal constant KIND_DEPOSIT = 1;
    uint8 internal constant KIND_WITHDRAW = 2;
    uint8 internal constant KIND_SNAPSHOT = 3;
    /// Wormhole "finalized": guardians sign only once the block is final.
    uint8 public constant CONSISTENCY_LEVEL = 202;
    bytes32 public constant WITHDRAWAL_TYPEHASH = keccak256(
        "Withdrawal(address account,address token,uint256 amount,address to,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant SEIZE_TYPEHASH =
        keccak256("Seize(address account,address token,uint256 amount,address to,uint256 nonce,uint256 deadline)");

    IWormholeCore public immutable wormhole;
    /// Seconds between a forced-withdrawal request and the moment it may execute without the engine.
    uint256 public immutable forcedWithdrawalDelay;
    address public owner;
    /// The engine's settlement key: the only signer of Withdrawal and Seize authorisations.
    address public signer;
    /// Counts published messages, +1 per message (the collateral message's vaultNonce).
    uint64 public vaultNonce;

    mapping(address => bool) public tokenAllowed;
    mapping(address => mapping(address => uint256)) public balanceOf;
    /// Per-account authorisation nonces already consumed (Withdrawal and Seize share the space). A set, not
    /// a counter: authorisations may be executed in any order, each at most once.
    mapping(address => mapping(uint256 => bool)) public nonceUsed;

    struct ForcedWithdrawalRequest {
        uint256 amount;
        uint256 executableAt;
    }

    mapping(address => mapping(address => ForcedWithdrawalRequest)) public forcedWithdrawals;

    event TokenAllowed(address indexed token, bool allowed);
    event SignerChanged(address indexed previousSigner, address indexed newSigner);
    /// `timestamp` is the block's time: indexers get it with the log instead of reading every block header.
    event Deposit(
        address indexed account,
        address indexed token,
        uint256 amount,
        uint256 balance,
        uint64 vaultNonce,
        uint64 timestamp
    );
    /// Every debit (authorised, forced or seized) emits it, so balance indexers need no other event.
    event Withdraw(
        address indexed account,
        address indexed token,
        uint256 amount,
        uint256 balance,
        uint64 vaultNonce,
        uint64 timestamp
    );
    event WithdrawalAuthorised(
        address indexed account, uint256 indexed nonce, address token, uint256 amount, address to
    );
    event Seized(address indexed account, uint256 indexed nonce, address token, uint256 amount, address to);
    event ForcedWithdrawalRequested(
        address indexed account, address indexed token, uint256 amount, uint256 executableAt
    );
    event ForcedWithdrawalExecuted(address indexed account, address indexed token, uint256 amount, address to);

    error NotOwner(address caller);
    error TokenNotAllowed(address token);
    error ZeroAmount();
    error ZeroAddress();
    error InsufficientVaultBalance(address account, address token, uint256 balance, uint256 needed);
    error TokenTransferFailed(address token);
    error InvalidSigner(address recovered, address expected);
    error AuthorisationExpired(uint256 deadline, uint256 nowTime);
    error NonceAlreadyUsed(address account, uint256 nonce);
    error NoForcedWithdrawal(address account, address token);
    error ForcedWithdrawalNotReady(uint256 executableAt, uint256 nowTime);

    constructor(IWormholeCore wormhole_, address signer_, uint256 forcedWithdrawalDelay_) {
        if (signer_ == address(0)) revert ZeroAddress();
        wormhole = wormhole_;
        owner = msg.sender;
        signer = signer_;
        forcedWithdrawalDelay = forcedWithdrawalDelay_;
        emit SignerChanged(address(0), signer_);
    }

    function setTokenAllowed(address token, bool allowed) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        tokenAllowed[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    /// @notice Rotates the settlement key. Authorisations signed by the old key stop verifying at once.
    function setSigner(address newSigner) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (newSigner == address(0)) revert ZeroAddress();
        emit SignerChanged(signer, newSigner);
        signer = newSigner;
    }

    function domainSeparator() external view returns (bytes32) {
        return XmarginEip712.domainSeparator(address(this));
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

    /// @notice Executes an engine-authorised withdrawal. Anyone may submit it (a relayer may pay the gas):
    /// the signature fixes the account, amount and recipient. Withdrawals of de-listed tokens stay
    /// possible so collateral is never trapped.
    function withdraw(Withdrawal calldata w, bytes calldata signature) external payable returns (uint64 sequence) {
        bytes32 structHash =
            keccak256(abi.encode(WITHDRAWAL_TYPEHASH, w.account, w.token, w.amount, w.to, w.nonce, w.deadline));
        _authorise(structHash, signature, w.account, w.nonce, w.deadline);
        emit WithdrawalAuthorised(w.account, w.nonce, w.token, w.amount, w.to);
        sequence = _debit(w.account, w.token, w.amount, w.to);
    }

    /// @notice Executes an engine-authorised seizure (liquidation settlement): `amount` of the account's
    /// collateral goes to `to` (a liquidator or the insurance fund).
    function seize(Seize calldata s, bytes calldata signature) external payable returns (uint64 sequence) {
        bytes32 structHash =
            keccak256(abi.encode(SEIZE_TYPEHASH, s.account, s.token, s.amount, s.to, s.nonce, s.deadline));
        _authorise(structHash, signature, s.account, s.nonce, s.deadline);
        emit Seized(s.account, s.nonce, s.token, s.amount, s.to);
        sequence = _debit(s.account, s.token, s.amount, s.to);
    }

    /// @notice Liveness escape hatch: announces a withdrawal the caller may execute without the engine
    /// after `forcedWithdrawalDelay`. A new request for the same token replaces the previous one and
    /// restarts the delay. The engine counts it as withdrawn at once.
    function requestForcedWithdrawal(address token, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 current = balanceOf[msg.sender][token];
        if (current < amount) revert InsufficientVaultBalance(msg.sender, token, current, amount);
        uint256 executableAt = block.timestamp + forcedWithdrawalDelay;
        forcedWithdrawals[msg.sender][token] = ForcedWithdrawalRequest(amount, executableAt);
        emit ForcedWithdrawalRequested(msg.sender, token, amount, executableAt);
    }

    /// @notice Executes the caller's forced withdrawal once its delay has passed. A seizure during the
    /// delay has priority: at most the remaining balance leaves.
    function executeForcedWithdrawal(address token, address to) external payable returns (uint64 sequence) {
        ForcedWithdrawalRequest memory req = forcedWithdrawals[msg.sender][token];
        if (req.amount == 0) revert NoForcedWithdrawal(msg.sender, token);
        if (block.timestamp < req.executableAt) revert ForcedWithdrawalNotReady(req.executableAt, block.timestamp);
        delete forcedWithdrawals[msg.sender][token];
        uint256 current = balanceOf[msg.sender][token];
        uint256 amount = req.amount < current ? req.amount : current;
        emit ForcedWithdrawalExecuted(msg.sender, token, amount, to);
        sequence = _debit(msg.sender, token, amount, to);
    }

    /// @notice Re-publishes an account's current balance (kind 3), e.g. to prove it on a new chain.
    function publishSnapshot(address account, address token) external payable returns (uint64 sequence) {
        uint256 balance = balanceOf[account][token];
        uint64 nonce = ++vaultNonce;
        sequence = _publish(KIND_SNAPSHOT, account, token, balance, balance, nonce);
    }

    function _authorise(bytes32 structHash, bytes calldata signature, address account, uint256 nonce, uint256 deadline)
        internal
    {
        address recovered = XmarginEip712.recover(
            XmarginEip712.digest(XmarginEip712.domainSeparator(address(this)), structHash), signature
        );
        if (recovered == address(0) || recovered != signer) revert InvalidSigner(recovered, signer);
        if (block.timestamp > deadline) revert AuthorisationExpired(deadline, block.timestamp);
        if (nonceUsed[account][nonce]) revert NonceAlreadyUsed(account, nonce);
        nonceUsed[account][nonce] = true;
    }

    function _debit(address account, address token, uint256 amount, address to) internal returns (uint64) {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        uint256 current = balanceOf[account][token];
        if (current < amount) revert InsufficientVaultBalance(account, token, current, amount);
        uint256 balance = current - amount;
        balanceOf[account][token] = balance;
        if (!IERC20Minimal(token).transfer(to, amount)) revert TokenTransferFailed(token);
        uint64 nonce = ++vaultNonce;
        emit Withdraw(account, token, amount, balance, nonce, uint64(block.timestamp));
        return _publish(KIND_WITHDRAW, account, token, amount, balance, nonce);
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
