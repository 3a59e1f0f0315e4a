/**
 * Mirror of `SubAccounts._derive` (contracts/vault/SubAccounts.sol): where an owner's sub-accounts live.
 */
import { encodeAbiParameters, getAddress, keccak256, type Address } from "viem";

/**
 * Sub-account `id` of `owner`: the owner itself for id 0, else the low 160 bits of keccak256(abi.encode(owner, id))
 * (the vault's `subAccount(owner, id)`), checksummed. Computes the address of a sub-account not created yet too.
 */
export function subAccountAddress(owner: Address, id: bigint): Address {
  if (id === 0n) return getAddress(owner);
  const hash = keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [owner, id]));
  return getAddress(`0x${hash.slice(-40)}`);
}
