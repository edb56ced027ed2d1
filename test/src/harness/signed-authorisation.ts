type Hex = `0x${string}`;

/** A vault Withdrawal or Seize as the engine's JSON answers carry it (integers as decimal strings). */
export interface AuthorisationJson {
  readonly typedData: {
    readonly message: {
      readonly account: string;
      readonly token: string;
      readonly amount: string;
      readonly to: string;
      readonly nonce: string;
      readonly deadline: string;
    };
  };
  readonly signature: string;
}

/** The `{message, signature}` a vault call takes (bigint integers), from the engine's JSON form. */
export function signedAuthorisation(a: AuthorisationJson) {
  const m = a.typedData.message;
  return {
    message: {
      account: m.account as Hex,
      token: m.token as Hex,
      amount: BigInt(m.amount),
      to: m.to as Hex,
      nonce: BigInt(m.nonce),
      deadline: BigInt(m.deadline),
    },
    signature: a.signature as Hex,
  };
}
