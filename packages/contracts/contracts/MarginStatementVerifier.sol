// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {XmarginEip712} from "./XmarginEip712.sol";

/// @notice The unified margin of an xmargin account at `asOf`, as the engine computed it over every chain.
/// Amounts are fixed-point integers with the stable's decimals; `equity` may be negative.
struct MarginStatement {
    address account;
    int256 equity;
    uint256 initialRequirement;
    uint256 maintenanceRequirement;
    uint64 paramsVersion;
    uint64 asOf;
    uint64 expiresAt;
}

/// @title MarginStatementVerifier
/// @notice Checks an engine-signed MarginStatement: the EIP-712 signature by the engine's settlement key
/// under the consuming contract's domain, and freshness. A protocol on any EVM chain reads the unified
/// margin through it.
library MarginStatementVerifier {
    bytes32 internal constant MARGIN_STATEMENT_TYPEHASH = keccak256(
        "MarginStatement(address account,int256 equity,uint256 initialRequirement,uint256 maintenanceRequirement,uint64 paramsVersion,uint64 asOf,uint64 expiresAt)"
    );

    error StatementSignerMismatch(address recovered, address expected);
    error StatementExpired(uint64 expiresAt, uint256 nowTime);
    error StatementTooOld(uint64 asOf, uint256 maxAge, uint256 nowTime);

    function structHash(MarginStatement calldata s) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                MARGIN_STATEMENT_TYPEHASH,
                s.account,
                s.equity,
                s.initialRequirement,
                s.maintenanceRequirement,
                s.paramsVersion,
                s.asOf,
                s.expiresAt
            )
        );
    }

    /// @notice Reverts unless `signature` is `signer`'s over `s` in this contract's domain, `s` has not
    /// expired and is at most `maxAge` seconds old.
    function verify(MarginStatement calldata s, bytes calldata signature, address signer, uint256 maxAge)
        internal
        view
    {
        bytes32 hash = XmarginEip712.digest(XmarginEip712.domainSeparator(address(this)), structHash(s));
        address recovered = XmarginEip712.recover(hash, signature);
        if (recovered == address(0) || recovered != signer) revert StatementSignerMismatch(recovered, signer);
        if (block.timestamp > s.expiresAt) revert StatementExpired(s.expiresAt, block.timestamp);
        // A statement a little ahead of the chain's clock (block times lag wall time) is fresh, not invalid.
        if (block.timestamp > s.asOf && block.timestamp - s.asOf > maxAge) {
            revert StatementTooOld(s.asOf, maxAge, block.timestamp);
        }
    }

    /// @notice Initial excess (equity - initial requirement), signed.
    function initialExcess(MarginStatement calldata s) internal pure returns (int256) {
        return s.equity - int256(s.initialRequirement);
    }
}
