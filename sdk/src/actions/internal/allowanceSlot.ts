import {
  encodeAbiParameters,
  erc20Abi,
  keccak256,
  numberToHex,
  stringToHex,
  type Address,
  type Hex,
  type StateOverride,
} from "viem";
import { readContract } from "viem/actions";

import type { PerpClientBase } from "../../clientBase.js";

/**
 * Where a token keeps `allowance(owner, spender)`, so that a write that pulls tokens can be simulated as if the
 * approval it is about to send were already mined (a state override of that one slot) and refused before the approval
 * costs anything.
 *
 * The slot depends on the token's storage layout, so it is not assumed: the candidates of the common layouts are all
 * overridden at once in one `eth_call` of the token's own `allowance`, each with a different marker value, and the
 * marker it returns names the slot. A token whose allowance lives elsewhere (another contract, a packed word, a
 * computed answer) returns no marker and gets `undefined`, as does a node without state overrides: the caller then
 * approves first, as before.
 *
 * Candidates: `mapping(address => mapping(address => uint256))` at slots 0–15 (Solidity: OpenZeppelin's ERC20 at 1,
 * Circle's FiatToken at 10, …) and the same in Vyper's key order, and OpenZeppelin 5's upgradeable ERC20 (ERC-7201
 * namespace `openzeppelin.storage.ERC20`, allowances at its second slot).
 */
const ROOT_SLOTS = 16n;
/** keccak256(abi.encode(uint256(keccak256("openzeppelin.storage.ERC20")) - 1)) & ~bytes32(uint256(0xff)) */
const OZ_ERC20_STORAGE = 0x52c63247e1f47db19d5ce0460030c497f067ca4cebf71ba98eeadabe20bace00n;
/** Marker i is PROBE − i: a value no real allowance holds. */
const PROBE = BigInt(keccak256(stringToHex("@perp/sdk allowance slot probe")));

const word = (value: bigint): Hex => numberToHex(value, { size: 32 });

/** The storage slot of `allowance[owner][spender]` for each candidate layout. */
export function allowanceSlotCandidates(owner: Address, spender: Address): Hex[] {
  const solidity = (root: bigint) =>
    keccak256(
      encodeAbiParameters(
        [{ type: "address" }, { type: "bytes32" }],
        [spender, keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [owner, root]))],
      ),
    );
  const vyper = (root: bigint) =>
    keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "address" }],
        [keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }], [root, owner])), spender],
      ),
    );
  const out: Hex[] = [];
  for (let root = 0n; root < ROOT_SLOTS; root++) out.push(solidity(root), vyper(root));
  out.push(solidity(OZ_ERC20_STORAGE + 1n));
  return out;
}

/**
 * The slot `token` keeps `allowance(owner, spender)` in, found by the token's own answer under a state override of
 * every candidate (one `eth_call`), or `undefined` when no candidate is it or the node refuses the override.
 */
export async function findAllowanceSlot(
  client: PerpClientBase,
  params: { token: Address; owner: Address; spender: Address },
): Promise<Hex | undefined> {
  const slots = allowanceSlotCandidates(params.owner, params.spender);
  let answer: bigint;
  try {
    answer = await readContract(client.publicClient, {
      address: params.token,
      abi: erc20Abi,
      functionName: "allowance",
      args: [params.owner, params.spender],
      stateOverride: [
        {
          address: params.token,
          stateDiff: slots.map((slot, i) => ({ slot, value: word(PROBE - BigInt(i)) })),
        },
      ],
    });
  } catch {
    return undefined;
  }
  const i = PROBE - answer;
  return i >= 0n && i < BigInt(slots.length) ? slots[Number(i)] : undefined;
}

/** A state override that sets `token`'s allowance word at `slot` to `value`. */
export const allowanceOverride = (token: Address, slot: Hex, value: bigint): StateOverride => [
  { address: token, stateDiff: [{ slot, value: word(value) }] },
];
