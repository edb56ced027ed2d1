import { decodeBinaryInput } from '@xmargin/attestation';

/** 0x-hex or plain hex to bytes (inputs were validated by the HTTP schema or come from our own data). */
export function fromHexLoose(hex: string): Uint8Array {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Attestation bytes as posted: 0x-hex or base64 (ATTESTATION__MALFORMED otherwise). */
export function attestationBytes(input: string, what: string): Uint8Array {
  return decodeBinaryInput(input, what);
}
