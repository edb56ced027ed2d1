// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice The subset of Wormhole's core bridge interface that vaults use to publish messages.
interface IWormholeCore {
    event LogMessagePublished(
        address indexed sender,
        uint64 sequence,
        uint32 nonce,
        bytes payload,
        uint8 consistencyLevel
    );

    function publishMessage(uint32 nonce, bytes memory payload, uint8 consistencyLevel)
        external
        payable
        returns (uint64 sequence);

    function messageFee() external view returns (uint256);
}
