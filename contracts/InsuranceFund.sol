// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {ZeroAddress} from "./interfaces/CommonErrors.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {INSURANCE_BAD_DEBT, INSURANCE_KEEPER_REWARD} from "./libraries/Constants.sol";

/// @title InsuranceFund
/// @notice Holds its balance as collateral in its own vault account. Liquidation fees and the insurance share of
///         trading fees arrive there as balance moves by the engines; payouts go out only through `pay`, which never
///         pays more than the balance, so the fund cannot go negative. The fund must be a balance manager of the
///         vault.
contract InsuranceFund is IInsuranceFund, Ownable2Step {
    ICollateralVault private immutable _vault;
    mapping(address payer => bool) private _payers;
    uint256 private _totalBadDebtCovered;
    uint256 private _totalKeeperRewardsPaid;

    /// @param vault_ The collateral vault.
    /// @param owner_ The admin.
    constructor(ICollateralVault vault_, address owner_) Ownable(owner_) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        _vault = vault_;
    }

    /// @inheritdoc IInsuranceFund
    function pay(address recipient, uint256 amount, bytes32 reason) external returns (uint256 paid) {
        if (!_payers[msg.sender]) revert NotPayer(msg.sender);
        if (recipient == address(0)) revert ZeroAddress();
        uint256 available = balance();
        paid = amount < available ? amount : available;
        if (paid == 0) return 0;
        if (reason == INSURANCE_BAD_DEBT) _totalBadDebtCovered += paid;
        else if (reason == INSURANCE_KEEPER_REWARD) _totalKeeperRewardsPaid += paid;
        emit Paid(recipient, paid, amount, reason);
        _vault.transferBalance(address(this), recipient, paid);
    }

    /// @inheritdoc IInsuranceFund
    function setPayer(address payer, bool allowed) external onlyOwner {
        if (payer == address(0)) revert ZeroAddress();
        _payers[payer] = allowed;
        emit PayerSet(payer, allowed);
    }

    /// @inheritdoc IInsuranceFund
    function balance() public view returns (uint256) {
        int256 collateral = _vault.collateralOf(address(this));
        return collateral > 0 ? uint256(collateral) : 0;
    }

    /// @inheritdoc IInsuranceFund
    function totalBadDebtCovered() external view returns (uint256) {
        return _totalBadDebtCovered;
    }

    /// @inheritdoc IInsuranceFund
    function totalKeeperRewardsPaid() external view returns (uint256) {
        return _totalKeeperRewardsPaid;
    }

    /// @inheritdoc IInsuranceFund
    function isPayer(address payer) external view returns (bool) {
        return _payers[payer];
    }
}
