// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IWormholeCore} from "./IWormholeCore.sol";

/// @title DevnetCoreBridge
/// @notice Stand-in for Wormhole's core bridge on local devnets: it emits `LogMessagePublished`
/// exactly as the real contract does (sequence counted per sender from 0), so guardians and relayers
/// observe devnet vaults with the same code they use on real networks. It verifies nothing.
contract DevnetCoreBridge is IWormholeCore {
    uint256 public messageFee;
    address public immutable owner;
    mapping(address => uint64) public nextSequence;

    error FeeNotPaid(uint256 fee, uint256 paid);
    error NotOwner(address caller);

    constructor(uint256 fee) {
        messageFee = fee;
        owner = msg.sender;
    }

    function setMessageFee(uint256 fee) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        messageFee = fee;
    }

    function publishMessage(uint32 nonce, bytes memory payload, uint8 consistencyLevel)
        external
        payable
        returns (uint64 sequence)
    {
        if (msg.value != messageFee) revert FeeNotPaid(messageFee, msg.value);
        sequence = nextSequence[msg.sender]++;
        emit LogMessagePublished(msg.sender, sequence, nonce, payload, consistencyLevel);
    }
}
