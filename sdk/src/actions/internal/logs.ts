import { isAddressEqual, type Address } from "viem";

/** The logs emitted by `address` (a receipt holds the logs of every contract the transaction touched). */
export function emittedBy<T extends { address: Address }>(logs: T[], address: Address): T[] {
  return logs.filter((log) => isAddressEqual(log.address, address));
}
