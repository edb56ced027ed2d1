// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Multicall3 (minimal)
/// @notice The `aggregate3` entry point of Multicall3 (mds1/multicall, MIT), plus the block getters
/// viem may call. Fresh devnets have no Multicall3 at the canonical address, so devnets deploy this one
/// and pass its address to viem's chain config.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory returnData) {
        uint256 length = calls.length;
        returnData = new Result[](length);
        for (uint256 i = 0; i < length; ++i) {
            Call3 calldata calli = calls[i];
            Result memory result = returnData[i];
            (result.success, result.returnData) = calli.target.call(calli.callData);
            if (!calli.allowFailure && !result.success) {
                // Bubble the failing call's revert data, as Multicall3 does.
                bytes memory reason = result.returnData;
                assembly {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
        }
    }

    function getBlockNumber() public view returns (uint256 blockNumber) {
        blockNumber = block.number;
    }

    function getCurrentBlockTimestamp() public view returns (uint256 timestamp) {
        timestamp = block.timestamp;
    }

    function getEthBalance(address addr) public view returns (uint256 balance) {
        balance = addr.balance;
    }
}
