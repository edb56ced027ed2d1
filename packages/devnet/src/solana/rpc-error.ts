/** A JSON-RPC error object as the Solana RPC returns it. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** Error codes used by Solana's JSON-RPC (agave `rpc_custom_error.rs`) and JSON-RPC 2.0 itself. */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  BlockNotAvailable: -32004,
  SendTransactionPreflightFailure: -32002,
  TransactionSignatureVerificationFailure: -32003,
  MinContextSlotNotReached: -32016,
} as const;

export const invalidParams = (message: string): RpcError => new RpcError(RpcCode.InvalidParams, message);
