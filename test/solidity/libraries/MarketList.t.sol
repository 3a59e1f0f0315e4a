// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MarketList} from "../../../contracts/libraries/MarketList.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev MarketList: entries are marketId + 1 per byte, entry 0 is the home record's market.
contract MarketListTest is TestBase {
    function test_add_fillsHomeFirstThenTheFirstFreeEntry() public pure {
        uint256 list = MarketList.add(0, 7);
        assertEq(list, 8, "market 7 in entry 0");
        assertTrue(MarketList.atHome(list, 7), "7 is at home");
        list = MarketList.add(list, 0);
        assertEq(list, 8 | (1 << 8), "market 0 in entry 1");
        assertTrue(!MarketList.atHome(list, 0), "0 is keyed by its id");
        list = MarketList.add(list, 254);
        assertEq(list, 8 | (1 << 8) | (255 << 16), "market 254 in entry 2");
        assertEq(MarketList.count(list), 3, "three markets");
        // Home freed: the next new market takes entry 0 again.
        list = MarketList.remove(list, 7);
        assertEq(list, (1 << 8) | (255 << 16), "entry 0 free");
        assertTrue(MarketList.atHome(list, 3), "a market not held would open at home");
        assertTrue(!MarketList.atHome(list, 0), "a held market stays where it is");
        assertTrue(!MarketList.atHome(list, 254), "a held market stays where it is");
        list = MarketList.add(list, 3);
        assertEq(list, 4 | (1 << 8) | (255 << 16), "market 3 in entry 0");
        // A hole in the middle is reused before the end.
        list = MarketList.remove(list, 0);
        list = MarketList.add(list, 9);
        assertEq(list, 4 | (10 << 8) | (255 << 16), "market 9 in entry 1");
    }

    function test_atHome_emptyList() public pure {
        assertTrue(MarketList.atHome(0, 0), "first position opens at home");
        assertTrue(MarketList.atHome(0, 254), "first position opens at home");
    }

    function test_remove_absentMarket_unchanged() public pure {
        uint256 list = MarketList.add(MarketList.add(0, 1), 2);
        assertEq(MarketList.remove(list, 3), list, "unchanged");
    }

    function test_full_sixteenEntries() public pure {
        uint256 list;
        for (uint256 id = 100; id < 116; ++id) {
            list = MarketList.add(list, id);
        }
        assertEq(MarketList.count(list), 16, "full");
        assertLe(list, type(uint128).max, "fits 128 bits");
        uint256[] memory ids = MarketList.toArray(list);
        assertEq(ids.length, 16, "16 ids");
        for (uint256 i; i < 16; ++i) {
            assertEq(ids[i], 100 + i, "increasing");
        }
        list = MarketList.remove(list, 115);
        assertEq(MarketList.add(list, 254) >> 120, 255, "last entry reused");
    }

    /// @dev Random opens and closes against a plain model: every held market is in exactly one entry, the count
    ///      and the sorted ids match, entry 0 is free or held, and `atHome` is true exactly for entry 0's market
    ///      and (while entry 0 is free) for markets not held.
    function testFuzz_matchesModel(uint256 seed) public pure {
        bool[20] memory held;
        uint256 heldCount;
        uint256 list;
        for (uint256 step; step < 64; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 id = seed % 20;
            if (held[id]) {
                list = MarketList.remove(list, id);
                held[id] = false;
                --heldCount;
            } else if (heldCount < MarketList.ENTRIES) {
                bool homeFree = list & 0xff == 0;
                assertTrue(MarketList.atHome(list, id) == homeFree, "a new position opens at home iff it is free");
                list = MarketList.add(list, id);
                held[id] = true;
                ++heldCount;
            }
            assertEq(MarketList.count(list), heldCount, "count");
            uint256[] memory ids = MarketList.toArray(list);
            assertEq(ids.length, heldCount, "length");
            uint256 k;
            for (uint256 m; m < 20; ++m) {
                uint256 occurrences;
                for (uint256 rest = list; rest != 0; rest >>= 8) {
                    if (rest & 0xff == m + 1) ++occurrences;
                }
                assertEq(occurrences, held[m] ? 1 : 0, "one entry per held market");
                if (held[m]) assertEq(ids[k++], m, "sorted ids");
                bool home = list & 0xff == m + 1 || (list & 0xff == 0 && !held[m]);
                assertTrue(MarketList.atHome(list, m) == home, "atHome");
            }
            uint256 entry0 = list & 0xff;
            assertTrue(entry0 == 0 || held[entry0 - 1], "entry 0 free or held");
        }
    }
}
