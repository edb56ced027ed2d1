// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {MarginStatement, MarginStatementVerifier} from "./MarginStatementVerifier.sol";

/// @title ExampleMarginProtocol (devnet)
/// @notice How a protocol on any EVM chain consumes the unified margin: a position opens only with a
/// fresh engine-signed statement for the caller whose initial excess covers the position's initial
/// margin. Each statement is used once per account (a later `asOf` than the last one used), so one
/// statement's excess cannot back two positions.
contract ExampleMarginProtocol {
    address public immutable engineSigner;
    uint256 public immutable maxStatementAge;
    mapping(address => uint64) public lastStatementAsOf;
    mapping(address => uint256) public openPositions;

    event PositionOpened(address indexed account, uint256 initialMargin, int256 initialExcess, uint64 asOf);

    error NotStatementAccount(address caller, address account);
    error StatementReused(uint64 asOf, uint64 lastAsOf);
    error InsufficientMargin(int256 initialExcess, uint256 needed);

    constructor(address engineSigner_, uint256 maxStatementAge_) {
        engineSigner = engineSigner_;
        maxStatementAge = maxStatementAge_;
    }

    function openPosition(MarginStatement calldata statement, bytes calldata signature, uint256 initialMargin)
        external
    {
        if (statement.account != msg.sender) revert NotStatementAccount(msg.sender, statement.account);
        MarginStatementVerifier.verify(statement, signature, engineSigner, maxStatementAge);
        uint64 last = lastStatementAsOf[msg.sender];
        if (statement.asOf <= last) revert StatementReused(statement.asOf, last);
        int256 excess = MarginStatementVerifier.initialExcess(statement);
        if (excess < 0 || uint256(excess) < initialMargin) revert InsufficientMargin(excess, initialMargin);
        lastStatementAsOf[msg.sender] = statement.asOf;
        openPositions[msg.sender] += 1;
        emit PositionOpened(msg.sender, initialMargin, excess, statement.asOf);
    }
}
