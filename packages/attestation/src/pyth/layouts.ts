import type { CustomConversion, DeriveType, Layout } from 'binary-layout';
import { fromHex, type Hex, toHex } from '../internal/bytes.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

const hexBytes = {
  to: (encoded: Uint8Array): Hex => toHex(encoded),
  from: (decoded: Hex): Uint8Array => fromHex(decoded),
} as const satisfies CustomConversion<Uint8Array, Hex>;

/**
 * Pyth accumulator update ("PNAU", major 1, minor 0, update type 0 = Wormhole Merkle): one VAA attesting a
 * Merkle root, then the messages with their proofs. The trailing header must be empty: minor version 0
 * defines no header fields, and bytes there are signed by no one, so accepting them would accept an
 * update that differs from what was attested (found by the fuzz test).
 */
export const accumulatorUpdateLayout = [
  { name: 'magic', binary: 'bytes', custom: ascii('PNAU'), omit: true },
  { name: 'majorVersion', binary: 'uint', size: 1, custom: 1, omit: true },
  { name: 'minorVersion', binary: 'uint', size: 1, custom: 0, omit: true },
  { name: 'trailingHeaderSize', binary: 'uint', size: 1, custom: 0, omit: true },
  { name: 'updateType', binary: 'uint', size: 1, custom: 0, omit: true },
  { name: 'vaa', binary: 'bytes', lengthSize: 2 },
  {
    name: 'updates',
    binary: 'array',
    lengthSize: 1,
    layout: [
      { name: 'message', binary: 'bytes', lengthSize: 2 },
      { name: 'proof', binary: 'array', lengthSize: 1, layout: { binary: 'bytes', size: 20 } },
    ],
  },
] as const satisfies Layout;

export type AccumulatorUpdate = DeriveType<typeof accumulatorUpdateLayout>;

/** The Pythnet VAA payload: "AUWV", update type 0, slot, ring size, 20-byte Merkle root. */
export const merkleRootPayloadLayout = [
  { name: 'magic', binary: 'bytes', custom: ascii('AUWV'), omit: true },
  { name: 'updateType', binary: 'uint', size: 1, custom: 0, omit: true },
  { name: 'slot', binary: 'uint', size: 8 },
  { name: 'ringSize', binary: 'uint', size: 4 },
  { name: 'root', binary: 'bytes', size: 20, custom: hexBytes },
] as const satisfies Layout;

export type MerkleRootPayload = DeriveType<typeof merkleRootPayloadLayout>;

/** Pyth price feed message (message type 0), 85 bytes. */
export const priceMessageLayout = [
  { name: 'messageType', binary: 'uint', size: 1, custom: 0, omit: true },
  { name: 'feedId', binary: 'bytes', size: 32, custom: hexBytes },
  { name: 'price', binary: 'int', size: 8 },
  { name: 'conf', binary: 'uint', size: 8 },
  { name: 'expo', binary: 'int', size: 4 },
  { name: 'publishTime', binary: 'int', size: 8 },
  { name: 'prevPublishTime', binary: 'int', size: 8 },
  { name: 'emaPrice', binary: 'int', size: 8 },
  { name: 'emaConf', binary: 'uint', size: 8 },
] as const satisfies Layout;

export type PriceMessage = DeriveType<typeof priceMessageLayout>;
