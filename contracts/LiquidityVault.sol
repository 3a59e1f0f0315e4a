// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ZeroAddress} from "./interfaces/CommonErrors.sol";
import {IAutoDeleveraging} from "./interfaces/IAutoDeleveraging.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {ILiquidityVault} from "./interfaces/ILiquidityVault.sol";
import {IPerpCounterparty} from "./interfaces/IPerpCounterparty.sol";
import {WAD} from "./libraries/Constants.sol";
import {TokenUnits} from "./libraries/TokenUnits.sol";

/// @title LiquidityVault
/// @notice ERC-4626 vault over USDC: liquidity providers take the other side of every market's net skew and
///         earn trading fees and funding.
/// @dev The vault keeps no USDC of its own: every deposit goes straight into its account `address(this)` in the
///      collateral vault and every withdrawal comes straight out of it to the receiver. OpenZeppelin's
///      `_deposit`/`_withdraw` are kept as they are (pull before mint, burn before pay, events); only their token
///      hooks `_transferIn`/`_transferOut` are redirected through the collateral vault. Value:
///      `totalAssets = max(0, collateralOf(this) + counterpartyPnl − unresolved shortfall) / 1e12`, rounded down,
///      with the net position at its exit value. No view reverts: a market whose oracle fails is valued at its worst
///      case (and deposits close until it recovers); a counterparty that reverts closes deposits and exits. Deposits
///      and exits pay `liquidityFee`, which stays in the vault for the remaining holders.
contract LiquidityVault is ILiquidityVault, ERC4626, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev Shares carry 12 more decimals than USDC (18 in all); 10^12 virtual shares against one virtual asset
    ///      make a first-depositor donation attack cost about 10^12 times what it could steal.
    uint8 private constant DECIMALS_OFFSET = 12;

    /// @dev Largest entry/exit fee the admin may set (1 %).
    uint256 private constant MAX_LIQUIDITY_FEE = 0.01e18;

    ICollateralVault private immutable _collateralVault;
    IPerpCounterparty private _counterparty;
    uint256 private _depositCap;
    bool private _depositsPaused;
    uint64 private _liquidityFee;

    /// @param collateralVault_ The collateral vault; its token (USDC) becomes the vault's asset.
    /// @param owner_ The admin (two-step ownership).
    /// @param depositCap_ Initial deposit cap, USDC units (`type(uint256).max`: none).
    constructor(ICollateralVault collateralVault_, address owner_, uint256 depositCap_)
        ERC20("Perp LP USDC", "plpUSDC")
        ERC4626(_assetOf(collateralVault_))
        Ownable(owner_)
    {
        _collateralVault = collateralVault_;
        _depositCap = depositCap_;
        emit DepositCapSet(depositCap_);
    }

    // ------------------------------------------------------------------ ERC-4626 entry points

    /// @inheritdoc IERC4626
    function deposit(uint256 assets, address receiver)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256)
    {
        return super.deposit(assets, receiver);
    }

    /// @inheritdoc IERC4626
    function mint(uint256 shares, address receiver)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256)
    {
        return super.mint(shares, receiver);
    }

    /// @inheritdoc IERC4626
    function withdraw(uint256 assets, address receiver, address shareOwner)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256)
    {
        return super.withdraw(assets, receiver, shareOwner);
    }

    /// @inheritdoc IERC4626
    function redeem(uint256 shares, address receiver, address shareOwner)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256)
    {
        return super.redeem(shares, receiver, shareOwner);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ILiquidityVault
    function setCounterparty(IPerpCounterparty counterparty_) external onlyOwner {
        if (address(counterparty_) == address(0)) revert ZeroAddress();
        address previous = address(_counterparty);
        _counterparty = counterparty_;
        emit CounterpartySet(previous, address(counterparty_));
    }

    /// @inheritdoc ILiquidityVault
    function setDepositCap(uint256 cap) external onlyOwner {
        _depositCap = cap;
        emit DepositCapSet(cap);
    }

    /// @inheritdoc ILiquidityVault
    function setDepositsPaused(bool paused) external onlyOwner {
        _depositsPaused = paused;
        emit DepositsPausedSet(paused);
    }

    /// @inheritdoc ILiquidityVault
    function setLiquidityFee(uint256 fee) external onlyOwner {
        if (fee > MAX_LIQUIDITY_FEE) revert LiquidityFeeTooHigh(fee, MAX_LIQUIDITY_FEE);
        _liquidityFee = uint64(fee);
        emit LiquidityFeeSet(fee);
    }

    // ------------------------------------------------------------------ ERC-4626 views

    /// @inheritdoc IERC4626
    /// @dev `max(0, netValueUsd())` in USDC units, rounded down (in the vault's favour on the way out; on the way
    ///      in, the dropped fraction of a unit is not counted for the depositor either). Never reverts.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        int256 value = netValueUsd();
        return value <= 0 ? 0 : TokenUnits.toTokenDown(uint256(value));
    }

    /// @inheritdoc IERC4626
    /// @dev 0 while paused, while the net value is negative or while a market is valued at its fallback (its oracle
    ///      fails); otherwise what brings `totalAssets` up to the cap.
    function maxDeposit(address) public view override(ERC4626, IERC4626) returns (uint256) {
        if (_depositsPaused) return 0;
        (int256 value, bool fallbackUsed, bool known) = _valuation();
        // An unresolved shortfall is a loss the holders bear until ADL repays it: a deposit now would buy a share of
        // that repayment at the current price (an ADL step restores the value by what it covers).
        if (value < 0 || fallbackUsed || !known || unresolvedShortfallUsd() != 0) return 0;
        uint256 assets = TokenUnits.toTokenDown(uint256(value));
        return _depositCap > assets ? _depositCap - assets : 0;
    }

    /// @inheritdoc IERC4626
    /// @dev The shares `maxDeposit` buys, rounded down, so that `previewMint(maxMint) <= maxDeposit`.
    function maxMint(address receiver) public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 assets = maxDeposit(receiver);
        if (assets == 0) return 0;
        // When the share amount does not fit in 256 bits, the cap cannot bind any mint that can be priced.
        (uint256 high, ) = Math.mul512(assets, totalSupply() + 10 ** DECIMALS_OFFSET);
        if (high > totalAssets()) return type(uint256).max;
        return previewDeposit(assets);
    }

    /// @inheritdoc IERC4626
    /// @dev The owner's shares at the redemption price (after the exit fee), capped by `availableLiquidity()`.
    function maxWithdraw(address shareOwner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(previewRedeem(balanceOf(shareOwner)), availableLiquidity());
    }

    /// @inheritdoc IERC4626
    /// @dev All the owner's shares if they redeem to no more than `availableLiquidity()`; otherwise the shares
    ///      that liquidity is worth before the fee, rounded down (so what they redeem to is within it).
    function maxRedeem(address shareOwner) public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 shares = balanceOf(shareOwner);
        uint256 liquidity = availableLiquidity();
        if (previewRedeem(shares) <= liquidity) return shares;
        return _convertToShares(liquidity, Math.Rounding.Floor);
    }

    /// @inheritdoc IERC4626
    /// @dev The shares `assets` buy after the entry fee (fee = assets × fee / (1 + fee), rounded up).
    function previewDeposit(uint256 assets) public view override(ERC4626, IERC4626) returns (uint256) {
        return super.previewDeposit(assets - _feeOnTotal(assets));
    }

    /// @inheritdoc IERC4626
    /// @dev The assets `shares` cost, plus the entry fee on them (rounded up).
    function previewMint(uint256 shares) public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 assets = super.previewMint(shares);
        return assets + _feeOnRaw(assets);
    }

    /// @inheritdoc IERC4626
    /// @dev The shares burned to pay out `assets`: those worth `assets` plus the exit fee on them (rounded up).
    function previewWithdraw(uint256 assets) public view override(ERC4626, IERC4626) returns (uint256) {
        return super.previewWithdraw(assets + _feeOnRaw(assets));
    }

    /// @inheritdoc IERC4626
    /// @dev What `shares` pay out after the exit fee (fee = value × fee / (1 + fee), rounded up).
    function previewRedeem(uint256 shares) public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 assets = super.previewRedeem(shares);
        return assets - _feeOnTotal(assets);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILiquidityVault
    function collateralVault() external view returns (ICollateralVault) {
        return _collateralVault;
    }

    /// @inheritdoc ILiquidityVault
    function counterparty() external view returns (IPerpCounterparty) {
        return _counterparty;
    }

    /// @inheritdoc ILiquidityVault
    function depositCap() external view returns (uint256) {
        return _depositCap;
    }

    /// @inheritdoc ILiquidityVault
    function depositsPaused() external view returns (bool) {
        return _depositsPaused;
    }

    /// @inheritdoc ILiquidityVault
    function liquidityFee() external view returns (uint256) {
        return _liquidityFee;
    }

    /// @inheritdoc ILiquidityVault
    function netValueUsd() public view returns (int256 usd) {
        (usd,,) = _valuation();
    }

    /// @inheritdoc ILiquidityVault
    function valuationFallback() external view returns (bool) {
        (, bool fallbackUsed, bool known) = _valuation();
        return fallbackUsed || !known;
    }

    /// @inheritdoc ILiquidityVault
    function unresolvedShortfallUsd() public view returns (uint256) {
        IPerpCounterparty cp = _counterparty;
        if (address(cp) == address(0)) return 0;
        (bool ok, uint256 engine,) = _tryView(address(cp), IPerpCounterparty.liquidationEngine.selector, 1);
        if (!ok || engine == 0 || engine > type(uint160).max) return 0;
        (bool known, uint256 shortfall,) =
            _tryView(address(uint160(engine)), IAutoDeleveraging.totalShortfall.selector, 1);
        return known ? shortfall : 0;
    }

    /// @inheritdoc ILiquidityVault
    function requiredBackingAssets() public view returns (uint256 assets) {
        IPerpCounterparty cp = _counterparty;
        if (address(cp) == address(0)) return 0;
        (bool ok, uint256 usd,) = _tryView(address(cp), IPerpCounterparty.requiredBacking.selector, 2);
        return ok ? TokenUnits.toTokenUp(usd) : type(uint256).max;
    }

    /// @inheritdoc ILiquidityVault
    function availableLiquidity() public view returns (uint256 assets) {
        (int256 value,, bool known) = _valuation();
        if (!known || value <= 0) return 0;
        uint256 total = TokenUnits.toTokenDown(uint256(value));
        uint256 required = requiredBackingAssets();
        uint256 excess = total > required ? total - required : 0;
        // Positive balances exceed the tokens held by the total debt (bad debt awaiting ADL, and accounts whose
        // realised losses ran past their collateral while they hold positions). That debt was credited to this
        // vault as counterparty, so it is the part of its balance that is not cash.
        uint256 cash = _collateralVault.maxWithdraw(address(this));
        uint256 owed = TokenUnits.toTokenUp(_collateralVault.totalDebt()) + requiredCashAssets();
        return Math.min(excess, cash > owed ? cash - owed : 0);
    }

    /// @inheritdoc ILiquidityVault
    function requiredCashAssets() public view returns (uint256 assets) {
        IPerpCounterparty cp = _counterparty;
        if (address(cp) == address(0)) return 0;
        (bool ok, uint256 usd,) = _tryView(address(cp), IPerpCounterparty.requiredCash.selector, 2);
        return ok ? TokenUnits.toTokenUp(usd) : type(uint128).max;
    }

    // ------------------------------------------------------------------ internal

    /// @dev Pulls the assets from the depositor, then parks them in the vault's collateral account.
    function _transferIn(address from, uint256 assets) internal override {
        if (assets == 0) return;
        IERC20 token = IERC20(asset());
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), assets);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != assets) revert UnsupportedTokenBehaviour(assets, received);
        token.forceApprove(address(_collateralVault), assets);
        _collateralVault.deposit(assets);
    }

    /// @dev Pays the receiver straight out of the vault's collateral account.
    function _transferOut(address to, uint256 assets) internal override {
        if (assets == 0) return;
        _collateralVault.withdraw(assets, to);
    }

    /// @dev The vault's value (worst case while an oracle fails: `fallbackUsed`), or `known` false when the
    ///      counterparty's valuation reverted (then the value is taken as the cash alone and every limit is closed).
    function _valuation() private view returns (int256 usd, bool fallbackUsed, bool known) {
        usd = _collateralVault.collateralOf(address(this));
        IPerpCounterparty cp = _counterparty;
        if (address(cp) == address(0)) return (usd, false, true);
        (bool ok, uint256 pnl, uint256 fallback_) = _tryView(address(cp), IPerpCounterparty.counterpartyPnl.selector, 2);
        if (!ok) return (usd - unresolvedShortfallUsd().toInt256(), false, false);
        return (usd + int256(pnl) - unresolvedShortfallUsd().toInt256(), fallback_ != 0, true);
    }

    /// @dev Calls the argument-free view `selector` of `target` and reads the first two words of its answer; `ok` is
    ///      false when the call reverts or answers fewer than `words` words (no code, another interface), so that a
    ///      misbehaving counterparty can never make a view of this vault revert (ERC-4626 views must not).
    function _tryView(address target, bytes4 selector, uint256 words)
        private
        view
        returns (bool ok, uint256 first, uint256 second)
    {
        bytes memory ret;
        (ok, ret) = target.staticcall(abi.encodeWithSelector(selector));
        if (!ok || ret.length < 32 * words) return (false, 0, 0);
        if (words == 1) (first) = abi.decode(ret, (uint256));
        else (first, second) = abi.decode(ret, (uint256, uint256));
    }

    /// @dev The fee on an amount that does not include it, rounded up.
    function _feeOnRaw(uint256 assets) private view returns (uint256) {
        return Math.mulDiv(assets, _liquidityFee, WAD, Math.Rounding.Ceil);
    }

    /// @dev The fee part of an amount that includes it, rounded up.
    function _feeOnTotal(uint256 assets) private view returns (uint256) {
        return Math.mulDiv(assets, _liquidityFee, _liquidityFee + WAD, Math.Rounding.Ceil);
    }

    /// @dev See DECIMALS_OFFSET.
    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    /// @dev The collateral vault's token, checked before ERC4626's constructor reads its decimals.
    function _assetOf(ICollateralVault collateralVault_) private view returns (IERC20) {
        if (address(collateralVault_) == address(0)) revert ZeroAddress();
        return IERC20(collateralVault_.token());
    }
}
