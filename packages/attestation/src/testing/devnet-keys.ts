import { secp256k1 } from '@noble/curves/secp256k1.js';
import { fromHex, type Hex, toHex } from '../internal/bytes.js';
import { keccak256 } from '../internal/keccak.js';
import { createTrustStore, type TrustStore } from '../trust-store/trust-store.js';

// The 19 deterministic Wormhole devnet guardian keys (shared/fixtures/wormhole-devnet-guardian-keys.txt,
// checked against that file by a test). Public test keys: never trusted outside network "devnet".
const DEVNET_GUARDIAN_KEYS: readonly Hex[] = Object.freeze([
  '0xcfb12303a19cde580bb4dd771639b0d26bc68353645571a8cff516ab2ee113a0',
  '0xc3b2e45c422a1602333a64078aeb42637370b0f48fe385f9cfa6ad54a8e0c47e',
  '0x9f790d3f08bc4b5cd910d4278f3deb406e57bb5e924906ccd52052bb078ccd47',
  '0xb20cc49d6f2c82a5e6519015fc18aa3e562867f85f872c58f1277cfbd2a0c8e4',
  '0xeded5a2fdcb5bbbfa5b07f2a91393813420e7ac30a72fc935b6df36f8294b855',
  '0x00d39587c3556f289677a837c7f3c0817cb7541ce6e38a243a4bdc761d534c5e',
  '0xda534d61a8da77b232f3a2cee55c0125e2b3e33a5cd8247f3fe9e72379445c3b',
  '0xcdbabfc2118eb00bc62c88845f3bbd03cb67a9e18a055101588ca9b36387006c',
  '0xc83d36423820e7350428dc4abe645cb2904459b7d7128adefe16472fdac397ba',
  '0x1cbf4e1388b81c9020500fefc83a7a81f707091bb899074db1bfce4537428112',
  '0x17646a6ba14a541957fc7112cc973c0b3f04fce59484a92c09bb45a0b57eb740',
  '0xeb94ff04accbfc8195d44b45e7c7da4c6993b2fbbfc4ef166a7675a905df9891',
  '0x053a6527124b309d914a47f5257a995e9b0ad17f14659f90ed42af5e6e262b6a',
  '0x3fbf1e46f6da69e62aed5670f279e818889aa7d8f1beb7fd730770fd4f8ea3d7',
  '0x53b05697596ba04067e40be8100c9194cbae59c90e7870997de57337497172e9',
  '0x4e95cb2ff3f7d5e963631ad85c28b1b79cb370f21c67cbdd4c2ffb0bf664aa06',
  '0x01b8c448ce2c1d43cfc5938d3a57086f88e3dc43bb8b08028ecb7a7924f4676f',
  '0x1db31a6ba3bcd54d2e8a64f8a2415064265d291593450c6eb7e9a6a986bd9400',
  '0x70d8f1c9534a0ab61a020366b831a494057a289441c07be67e4288c44bc6cd5d',
] as Hex[]);

/** The 19 devnet guardian private keys (0x hex), index = guardian index. */
export function devnetGuardianKeys(): readonly Hex[] {
  return DEVNET_GUARDIAN_KEYS;
}

/** Lowercase 0x address of a secp256k1 private key (Ethereum style: keccak of the public key). */
export function addressOfPrivateKey(key: string): Hex {
  const pub = secp256k1.getPublicKey(fromHex(key, 'private key'), false);
  return toHex(keccak256(pub.subarray(1)).subarray(12));
}

let addresses: readonly Hex[] | undefined;

/** Addresses of the devnet guardians (the first is 0xbefa429d57cd18b7f8a4d91a2da9ab4af05d0fbe). */
export function devnetGuardianAddresses(): readonly Hex[] {
  addresses ??= Object.freeze(DEVNET_GUARDIAN_KEYS.map(addressOfPrivateKey));
  return addresses;
}

/**
 * The devnet trust store: network "devnet", guardian set 0 = the 19 devnet guardians, current, never
 * expiring. `now` is accepted for symmetry with bootstrapped stores; set 0 does not depend on it.
 */
export function devnetTrustStore(_now?: number): TrustStore {
  return createTrustStore({
    network: 'devnet',
    current: 0,
    sets: [{ index: 0, keys: devnetGuardianAddresses(), expiresAt: null }],
  });
}
