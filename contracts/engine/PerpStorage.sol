// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IOracleAdapter} from "../interfaces/IOracleAdapter.sol";
import {BreakerState, MarketState, NotionalTier} from "../interfaces/PerpTypes.sol";
import {MAX_TIERS} from "./MarketParamsValidator.sol";

/// @dev Market ids 0–254: an account's market list stores id + 1 in one byte (see MarketList), and key 255 of an
///      account's positions is its home record.
uint256 constant MAX_MARKETS = 255;
/// @dev Key of an account's home record in its positions; never a market id (those are below MAX_MARKETS).
uint256 constant HOME = MAX_MARKETS;

/// @dev Read together on every trade, so kept in one slot.
/// @param marketCount Listed markets.
/// @param maxPositionsPerAccount Markets one account may hold positions in.
/// @param globalPaused Every market is reduce-only.
/// @param insuranceFeeShare Share of each trading fee owed to the insurance fund, 18 decimals.
/// @param pendingInsuranceFees That share, accrued and not yet swept to the fund, USD (it sits in the liquidity
///        vault's account until `sweepInsuranceFees`).
struct Globals {
    uint64 marketCount;
    uint8 maxPositionsPerAccount;
    bool globalPaused;
    uint64 insuranceFeeShare;
    uint112 pendingInsuranceFees;
}

/// @dev A market's parameters as stored: the fields of MarketParams, then the circuit-breaker thresholds
///      (BreakerParams) in the free part of the slot that holds maxFundingRate, so a trade reads them with the slots
///      it reads anyway.
struct StoredParams {
    IOracleAdapter oracle;
    uint32 fairTau;
    uint64 maxPremium;
    uint128 skewScale;
    uint128 maxSkew;
    uint128 maxOpenInterest;
    uint128 minPositionMargin;
    uint64 makerFee;
    uint64 takerFee;
    uint64 fundingInterest;
    uint64 fundingClamp;
    uint64 maxFundingRate;
    uint64 breakerMaxOracleMove;
    uint64 breakerMaxFundingRate;
    uint32 breakerWindow;
}

/// @dev The liquidity vault (the counterparty of every trade) and the ratios that size the exposure it takes. The
///      address and the open-interest-to-cash ratio share a slot: every opening trade reads both.
/// @param liquidityVault The counterparty of every trade (set once).
/// @param openInterestCashRatio The most each side of a market's open interest × oracle may be, as a fraction of
///        the liquidity vault's cash, after a trade that increases that side (it bounds the net skew too, whatever
///        later own-position reductions do to it).
/// @param backingRatio Fraction of Σ |skew| × oracle the liquidity vault keeps when LPs withdraw.
struct VaultRisk {
    address liquidityVault;
    uint64 openInterestCashRatio;
    uint64 backingRatio;
}

/// @dev A position as stored: `Position` (size and cost basis in one slot, the funding checkpoint in the next) and, in
///      an account's home record only, the account's market list (see MarketList) beside the checkpoint. Whichever
///      position an account opens while its home record is free goes there, so an account's first position writes
///      two slots from zero, not three; after the home position closes, the checkpoint keeps that slot non-zero
///      (unless the market's funding index was exactly 0), so the next position stored there writes from zero only
///      its size and cost basis. Every other position is keyed by its market id.
struct PositionRecord {
    int128 size;
    int128 openNotional;
    int128 lastFundingIndex;
    uint128 markets;
}

/// @title PerpStorage
/// @notice Every storage variable of the trading engine, in one place and one order. The engine and the admin module
///         it delegates listing and parameter changes to both inherit it, so they read and write the same slots.
/// @dev Add new variables only at the end. Nothing here has code: logic lives in the engine layers, the admin module
///      and the libraries over these structs.
abstract contract PerpStorage is Ownable2Step {
    Globals internal _globals;
    mapping(uint256 marketId => bytes32) internal _symbols;
    mapping(uint256 marketId => StoredParams) internal _params;
    /// @dev A market's tiers in order, then empty entries: every listed tier has upToNotional ≥ 1, so the first
    ///      entry with upToNotional 0 ends the list and reading a tier needs no separate length slot.
    mapping(uint256 marketId => NotionalTier[MAX_TIERS]) internal _tiers;
    /// @dev Running state of each market (kept here so the pause flag shares its slot).
    mapping(uint256 marketId => MarketState) internal _state;
    /// @dev The oracle-move breaker's slow reference price of each market.
    mapping(uint256 marketId => BreakerState) internal _breakerState;
    /// @dev Positions by account and key: a market id, or HOME.
    mapping(address account => mapping(uint256 key => PositionRecord)) internal _positions;
    VaultRisk internal _vaultRisk;
    address internal _liquidationEngine;
    address internal _insuranceFund;
}
