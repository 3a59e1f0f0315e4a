// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ONE_HOUR, WAD} from "./Constants.sol";
import {FixedPointMath} from "./FixedPointMath.sol";

/// @title FairPriceMath
/// @notice The EMA weight shared by the fair premium, the breaker reference and the self-referencing index, and the
///         fair premium itself: an EMA of the skew premium whose move per second is capped (SPEC §3).
/// @dev e^(−x) is approximated by 1 / (1 + x + x²/2 + x³/6) (the inverse of e^x's cubic Taylor sum): it is 1 at
///      x = 0, strictly decreasing, always in (0, 1], and within 2 % of e^(−x) for x ≤ 1. Its tail decays like
///      6/x³ rather than exponentially (at x = 10 the weight is 0.44 % against 0.0045 % for e^(−10)), so the fair
///      price converges to the mark more slowly than a true EMA would: it lags, which only delays liquidations
///      after a sustained move. The SDK uses the same integer steps. x is capped at 10^6 (weight: 5 wei).
library FairPriceMath {
    uint256 internal constant MAX_X = 1e6 * WAD;

    /// @notice The weight w = 1 / (1 + x + x²/2 + x³/6) with x = elapsed / tau, 18 decimals, rounded down.
    ///         tau = 0 gives 0 (fair = mark).
    function decayWeightDown(uint256 elapsed, uint256 tau) internal pure returns (uint256) {
        if (tau == 0) return 0;
        if (elapsed == 0) return WAD;
        uint256 x = FixedPointMath.mulDivDown(elapsed, WAD, tau);
        if (x > MAX_X) x = MAX_X;
        uint256 x2 = (x * x) / WAD;
        uint256 denominator = WAD + x + x2 / 2 + (x2 * x) / (6 * WAD);
        return (WAD * WAD) / denominator;
    }

    /// @notice fair = mark + (fairLast − mark) × w(elapsed, tau), the product truncated toward zero (toward mark).
    function fairPrice(uint256 mark, uint256 fairLast, uint256 elapsed, uint256 tau)
        internal
        pure
        returns (uint256)
    {
        uint256 w = decayWeightDown(elapsed, tau);
        int256 gap = int256(fairLast) - int256(mark);
        return uint256(int256(mark) + FixedPointMath.mulDivTrunc(gap, int256(w), WAD));
    }

    /// @notice The weight of the fair premium's EMA: w(x / 4)⁴ with x = elapsed / tau, each product rounded down.
    ///         It is within 0.03 % of e^(−x) for x ≤ 1 and keeps a thin tail (e^(−12) = 6.1e-6 against 3.5e-5 here,
    ///         and 0.27 % for w(x) itself), so the fair premium settles on a held premium within a few τ instead of
    ///         lagging it for hours: a lag there would cut forced closes that nobody pushed.
    function premiumWeightDown(uint256 elapsed, uint256 tau) internal pure returns (uint256 w) {
        w = decayWeightDown(elapsed, 4 * tau);
        w = (w * w) / WAD;
        w = (w * w) / WAD;
    }

    /// @notice The fair premium `elapsed` seconds after `last`, with the skew premium at `premium` over the
    ///         interval: the EMA step (premium − last) × (1 − premiumWeightDown(elapsed, tau)), truncated toward
    ///         zero, then clamped to ± maxDriftPerHour × elapsed / 3600 (rounded down). τ = 0 makes the step the whole
    ///         gap, so the cap alone sets the speed: a premium held for t seconds moves the fair premium by at most
    ///         maxDriftPerHour × t / 3600, however large the push.
    function fairPremium(int256 last, int256 premium, uint256 elapsed, uint256 tau, uint256 maxDriftPerHour)
        internal
        pure
        returns (int256)
    {
        if (elapsed == 0) return last;
        int256 step = FixedPointMath.mulDivTrunc(premium - last, int256(WAD - premiumWeightDown(elapsed, tau)), WAD);
        int256 cap = int256(FixedPointMath.mulDivDown(maxDriftPerHour, elapsed, ONE_HOUR));
        return last + FixedPointMath.clamp(step, -cap, cap);
    }
}
