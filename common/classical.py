"""The classical references: exponential smoothing (ETS), Theta and ARIMA, as a statistician
would fit them first, scored exactly like the network (Step 6's baselines).

Each reference keeps the network's protocol:
1. its form and its parameters are fitted ONCE, on values[:test_start], the part before the
   first test target;
2. with those parameters fixed, it reads the whole series, and from each test origin t it
   forecasts values[t], ..., values[t + H - 1] from the history values[:t] alone (as
   windows.target_paths sets them out). Nothing is refitted at a test origin.

"Automatic" is a short loop here: a few forms, each fitted by maximum likelihood, and the one
with the lowest AICc kept (the Akaike information criterion corrected for short series: how
badly a form fits, plus a price for each parameter). Only forms fitted on the same values are
compared. A long season (365 days, 52 weeks; for ARIMA also 24 hours) is first taken out of the
series with fixed seasonal indices, and ETS or ARIMA model what is left.

Try it on a toy monthly series (a trend and a yearly swing, 60 months, the last 12 tested):

    >>> values = 100 + np.arange(60) + 10 * np.sin(2 * np.pi * np.arange(60) / 12)
    >>> fits, left_out = references(values, (np.arange(48, 60), 48, 1), season=12)
    >>> fits["ets"].forecasts.shape          # one forecast per test month
    (12,)

statsmodels does the fitting (ETSModel, ThetaModel, SARIMAX); the forecasts from each origin
are written out below, so a learner can see what "fixed parameters" means.
"""

import warnings
from dataclasses import dataclass

from common import preprocessing
from common.windows import path_positions

import numpy as np
from threadpoolctl import threadpool_limits  # installed with scikit-learn

# Longer seasons are taken out first: the model would need a state for each step of the season,
# and ARIMA's Kalman filter does work that grows with the square of its states.
MAX_ETS_SEASON = 24
MAX_ARIMA_SEASON = 12
MIN_ROWS = 24  # a shorter training part leaves every reference out
# The longest training part each reference is fitted on within the run's time budget (a few
# seconds on 2 CPU cores: ETS 0.8 s and ARIMA 2.7 s on 14,000 hourly values): longer ones leave
# it out. Theta's cost stays small at any length.
MOST_ROWS = {"ets": 50_000, "theta": None, "arima": 20_000}
SEASONAL_STRENGTH = 0.64  # a seasonal difference when the season is at least this strong
THETA = 2  # the classic Theta method: half the straight line's slope, half exponential smoothing
NINETY_PERCENT_CHI2 = 2.705543454095404  # chi2 with 1 degree of freedom: the 90 % point


@dataclass(frozen=True)
class Reference:
    """One classical reference's test forecasts and the form it chose."""

    chosen: str  # the form in words, e.g. "ETS(M,Ad,M)" or "ARIMA(1,1,1)(0,1,1)[12] with drift"
    forecasts: np.ndarray  # (origins,) one step ahead, (origins, H) for H steps
    following: np.ndarray = None  # (H,) the steps after the file's last date (with_following)


COMBINATION = ("ets", "theta", "arima")  # M4's combination benchmark: their plain average


def combination(forecasts):
    """The plain average of the classical references present (at least two), else None."""
    present = [forecasts[name] for name in COMBINATION if name in forecasts]
    return np.mean(present, axis=0) if len(present) >= 2 else None


@dataclass(frozen=True)
class Found:
    """The classical references of one run: fitted before the test part (their test forecasts
    and the steps after the last date), and fitted again before the validation origins."""

    fits: dict  # {name: Reference}
    left_out: dict  # {name: why}
    validation: dict  # {name: forecasts from the validation origins}, fitted before them


def for_a_run(values, test, validation_origins, season):
    """`with_following` on the test part, and `references` fitted before the first of
    `validation_origins` (each forecasting from them). Returns a Found."""
    fits, left_out = with_following(values, test, season)
    validation = {}
    if fits:
        horizon = test[2]
        found, _ = references(values, (validation_origins, validation_origins[0], horizon), season)
        validation = {name: fit.forecasts for name, fit in found.items() if name in fits}
    return Found(fits, left_out, validation)


def with_following(values, test, season):
    """`references`, each also forecasting the H steps after the last value (`following`),
    from the same fit: the series gets H placeholder values after its end, which no forecast
    reads (each reads only the values before its origin)."""
    values = np.asarray(values, dtype=float)
    origins, test_start, horizon = test
    extended = np.concatenate([values, np.full(horizon, values[-1])])
    origins = np.append(np.asarray(origins, dtype=int), len(values))
    fits, left_out = references(extended, (origins, test_start, horizon), season)
    return {
        name: Reference(fit.chosen, fit.forecasts[:-1], np.reshape(fit.forecasts[-1], -1))
        for name, fit in fits.items()
    }, left_out


def references(values, test, season):
    """Every classical reference that the series allows, and why the others were left out.

    values: (rows,) the target in real units, filled where the file had gaps.
    test: (test_origins, test_start, horizon), as common/baselines.forecasting_baselines takes.
    season: steps in one season (None: none).
    Returns ({name: Reference} for "ets", "theta", "arima"; {name: why it was left out}).
    """
    values = np.asarray(values, dtype=float)
    test_start = test[1]
    fits, left_out = {}, {}
    for name, reference in (("ets", ets), ("theta", theta), ("arima", arima)):
        most = MOST_ROWS[name]
        if test_start < MIN_ROWS:
            left_out[name] = f"{test_start} values before the test part; it needs {MIN_ROWS}"
        elif most and test_start > most:
            left_out[name] = (
                f"{test_start:,} values before the test part; it is fitted on at most "
                f"{most:,} within the run's time budget"
            )
        else:
            try:
                fits[name] = quietly(reference, values, test, season)
            except (ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
                left_out[name] = f"it could not be fitted ({error})"
    return fits, left_out


def quietly(reference, *arguments):
    """One reference's Reference, without statsmodels' warnings about convergence and start
    values; ValueError if a forecast is not a finite number.

    The matrices are small (a few dozen states): one BLAS thread is faster than several, which
    would mostly wait for each other (ten times slower on a busy machine).
    """
    # statsmodels' first import sets its warnings to "always": import it before our "ignore",
    # or a run where the references import it first prints their convergence warnings.
    import statsmodels.tools.sm_exceptions  # noqa: F401

    with warnings.catch_warnings(), np.errstate(all="ignore"), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        fit = reference(*arguments)
    if not np.all(np.isfinite(fit.forecasts)):
        raise ValueError("some forecasts are not finite")
    return fit


def shaped(paths, horizon):
    """(origins,) one step ahead, as the one-step protocol scores; else (origins, H)."""
    return paths[:, 0] if horizon == 1 else paths


# -- Seasonal adjustment (Theta always; ETS and ARIMA for long seasons) --


@dataclass(frozen=True)
class SeasonalAdjustment:
    """Fixed seasonal indices: position p of the series has index indices[p % season]."""

    indices: np.ndarray  # (season,) from the training part's classical decomposition
    multiplicative: bool  # divide by the index (True) or subtract it (False)

    def remove(self, values):
        """(rows,) values with the season taken out."""
        index = self.indices[np.arange(len(values)) % len(self.indices)]
        return values / index if self.multiplicative else values - index

    def restore(self, forecasts, positions):
        """Forecasts of the adjusted series at `positions` (same shape), put back in season."""
        index = self.indices[positions % len(self.indices)]
        return forecasts * index if self.multiplicative else forecasts + index

    def words(self):
        kind = "multiplicative" if self.multiplicative else "additive"
        return f"{kind} season of {len(self.indices)} taken out"


def seasonal_adjustment(training, season):
    """The training part's seasonal indices by classical decomposition (moving averages), as
    statsmodels' ThetaModel finds them, or None: no season, fewer than two seasons of data, or
    the autocorrelation one season back too weak (ThetaModel's 90 % test).

    Multiplicative when every training value is positive (and every index comes out positive).
    """
    from statsmodels.tsa.seasonal import seasonal_decompose
    from statsmodels.tsa.stattools import acf

    if not season or season < 2 or len(training) < 2 * season:
        return None
    rho = acf(training, nlags=season, fft=True)  # NaN for a constant series
    if not len(training) * rho[-1] ** 2 / np.sum(rho[:-1] ** 2) > NINETY_PERCENT_CHI2:
        return None
    if training.min() > 0:
        indices = seasonal_decompose(training, model="mul", period=season).seasonal[:season]
        if indices.min() > 0:
            return SeasonalAdjustment(indices, True)
    indices = seasonal_decompose(training, model="add", period=season).seasonal[:season]
    return SeasonalAdjustment(indices, False)


def long_season_taken_out(values, test_start, season, longest):
    """(the series ETS or ARIMA models, its season or None, the SeasonalAdjustment or None).

    A season of at most `longest` steps stays in the series: the model has one state per step
    of it. A longer one is taken out with fixed indices from the training part."""
    if not season or season <= longest:
        return values, season, None
    adjustment = seasonal_adjustment(values[:test_start], season)
    if adjustment is None:
        return values, None, None
    return adjustment.remove(values), None, adjustment


def put_back(paths, adjustment, test_origins, chosen):
    """(origins, H) forecasts of the adjusted series -> the Reference, in real units."""
    horizon = paths.shape[1]
    if adjustment is None:
        return Reference(chosen, shaped(paths, horizon))
    restored = adjustment.restore(paths, path_positions(test_origins, horizon))
    return Reference(f"{chosen}, {adjustment.words()}", shaped(restored, horizon))


# -- Exponential smoothing (ETS) --


def ets_forms(training, season):
    """The (error, trend, damped, seasonal) forms tried: error A(dditive) or M(ultiplicative),
    trend N(one), A or Ad (damped), season N, A or M: 6 forms, 12 when every training value is
    positive. A multiplicative season goes with multiplicative errors and an additive one with
    additive errors (additive errors with a multiplicative season can have an infinite
    variance: Hyndman's ets() leaves them out too)."""
    errors = ["add", "mul"] if training.min() > 0 else ["add"]
    trends = [(None, False), ("add", False), ("add", True)]
    forms = []
    for error in errors:
        for trend, damped in trends:
            forms.append((error, trend, damped, None))
            if season:
                forms.append((error, trend, damped, error))
    return forms


def ets_name(form):
    """("mul", "add", True, "mul") -> "ETS(M,Ad,M)"."""
    error, trend, damped, seasonal = form
    letter = {None: "N", "add": "A", "mul": "M"}
    return f"ETS({letter[error]},{letter[trend]}{'d' * damped},{letter[seasonal]})"


def ets_model(values, form, season, initial=None):
    """statsmodels' ETSModel of `form`. initial: None, the first values set the starting states
    (Hyndman's heuristic); or a fitted result whose starting states are kept."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    error, trend, damped, seasonal = form
    options = {"initialization_method": "heuristic"}
    if initial is not None:
        options = {
            "initialization_method": "known",
            "initial_level": initial.initial_level,
            "initial_trend": getattr(initial, "initial_trend", None),
            "initial_seasonal": getattr(initial, "initial_seasonal", None),
        }
    return ETSModel(
        values,
        error=error,
        trend=trend,
        damped_trend=damped,
        seasonal=seasonal,
        seasonal_periods=season if seasonal else None,
        **options,
    )


def ets(values, test, season):
    """Exponential smoothing, its form chosen by AICc on the training part (`ets_forms`).

    The smoothing parameters are fitted by maximum likelihood; the starting states come from
    the first values (the heuristic of Hyndman et al., 2008), which keeps each fit short. The
    chosen form then smooths the whole series with those parameters and starting states, and
    `ets_paths` forecasts from its states at each origin. Returns a Reference.
    """
    test_origins, test_start, horizon = test
    series, season, adjustment = long_season_taken_out(values, test_start, season, MAX_ETS_SEASON)
    training = series[:test_start]
    fitted = {}
    for form in ets_forms(training, season):
        try:
            fit = ets_model(training, form, season).fit(disp=False)
        except ValueError:  # e.g. fewer than two seasons for the starting states
            continue
        if np.isfinite(fit.aicc):
            fitted[form] = fit
    if not fitted:
        raise ValueError("no exponential smoothing form could be fitted")
    form = min(fitted, key=lambda each: fitted[each].aicc)
    smoothed = ets_model(series, form, season, initial=fitted[form]).smooth(fitted[form].params)
    paths = ets_paths(smoothed, form, test_origins, horizon)
    return put_back(paths, adjustment, test_origins, ets_name(form))


def ets_paths(smoothed, form, test_origins, horizon):
    """(origins, H) point forecasts from each origin t, from the states after values[t - 1]:

    level + (phi + phi**2 + ... + phi**h) * trend,   then + or * the seasonal state of
    the last time the same point of the season was seen (phi = 1 without damping).
    """
    _, trend, damped, seasonal = form
    last = np.asarray(test_origins) - 1  # the last position each origin has seen
    steps = np.arange(1, horizon + 1)  # h = 1 .. H
    paths = smoothed.level[last][:, None] + np.zeros(horizon)  # (origins, H)
    if trend:
        phi = smoothed.damping_trend if damped else 1.0
        paths = paths + smoothed.slope[last][:, None] * np.cumsum(phi**steps)
    if seasonal:
        season = smoothed.seasonal_periods
        back = season * np.ceil(steps / season).astype(int)  # whole seasons, at least h steps
        index = smoothed.season[last[:, None] + steps - back]  # (origins, H)
        paths = paths * index if seasonal == "mul" else paths + index
    return paths


# -- Theta --


def theta(values, test, season):
    """The Theta method (Assimakopoulos and Nikolopoulos, 2000), as statsmodels' ThetaModel:
    the season taken out (`seasonal_adjustment`), then half a straight line's slope added to
    simple exponential smoothing (SES), then the season put back.

    The slope b0 (least squares on the training part) and the smoothing weight alpha (SES fitted
    on the training part, its first level the first value) are fixed; from each origin t:

        forecast(t + h - 1) = level(t) + b0 / 2 * (h - 1 + 1 / alpha - (1 - alpha)**t / alpha)

    where level(t) is SES's forecast from the adjusted values[:t]. Returns a Reference.
    """
    from statsmodels.tsa.forecasting.theta import ThetaModel

    test_origins, test_start, horizon = test
    adjustment = seasonal_adjustment(values[:test_start], season)
    adjusted = adjustment.remove(values) if adjustment else values
    fitted = ThetaModel(adjusted[:test_start], deseasonalize=False).fit()
    b0, alpha = fitted.params["b0"], fitted.params["alpha"]
    levels = ses_levels(adjusted, alpha)  # (rows,)
    steps = np.arange(horizon)  # h - 1
    origins = np.asarray(test_origins)[:, None]
    if alpha > 0:
        steps = steps + 1 / alpha - (1 - alpha) ** origins / alpha
    paths = levels[origins] + (1 - 1 / THETA) * b0 * steps  # (origins, H)
    chosen = f"Theta(alpha={alpha:.2f})"
    if adjustment is None:
        chosen = f"{chosen}, no season"
    return put_back(paths, adjustment, test_origins, chosen)


def ses_levels(values, alpha):
    """(rows,) simple exponential smoothing's one-step forecasts: levels[t] reads values[:t],
    levels[0] = values[0] and levels[t] = alpha * values[t - 1] + (1 - alpha) * levels[t - 1]."""
    levels = np.empty(len(values))
    levels[0] = values[0]
    for t in range(1, len(values)):
        levels[t] = alpha * values[t - 1] + (1 - alpha) * levels[t - 1]
    return levels


# -- ARIMA --


def seasonal_differences(training, season):
    """1 when the season is strong (Hyndman and Athanasopoulos' rule: the seasonal part of a
    classical decomposition explains at least 64 % of what the trend leaves), else 0."""
    from statsmodels.tsa.seasonal import seasonal_decompose

    if not season or len(training) < 3 * season:
        return 0
    parts = seasonal_decompose(training, model="add", period=season)
    kept = ~np.isnan(parts.resid)
    remainder = parts.resid[kept]
    strength = 1 - np.var(remainder) / np.var(remainder + parts.seasonal[kept])
    return int(strength >= SEASONAL_STRENGTH)


def differences(training, season, seasonal_diffs):
    """1 when the KPSS test rejects a stationary series (p < 0.05) after the seasonal
    difference, else 0."""
    from statsmodels.tsa.stattools import kpss

    if seasonal_diffs:
        training = training[season:] - training[:-season]
    _, p, _, _ = kpss(training, regression="c", nlags="auto")
    return int(p < 0.05)


def arima_candidates(training, season):
    """The (order, seasonal_order, trend) forms tried: the differences chosen first (by the
    seasonal strength and the KPSS test), then (p, q) in (1, 0), (0, 1), (1, 1), (2, 1), with a
    seasonal MA(1) after a seasonal difference (the "airline" form) or a seasonal AR(1) without
    one. A constant (a drift once differenced) when at most one difference is taken."""
    seasonal_diffs = seasonal_differences(training, season)
    diffs = differences(training, season, seasonal_diffs)
    seasonal_order = (0, 0, 0, 0)
    if season:
        seasonal_order = (0, 1, 1, season) if seasonal_diffs else (1, 0, 0, season)
    trend = "c" if diffs + seasonal_diffs <= 1 else "n"
    return [((p, diffs, q), seasonal_order, trend) for p, q in ((1, 0), (0, 1), (1, 1), (2, 1))]


def arima_name(form):
    """((1, 1, 1), (0, 1, 1, 12), "n") -> "ARIMA(1,1,1)(0,1,1)[12]"."""
    (p, d, q), (big_p, big_d, big_q, season), trend = form
    name = f"ARIMA({p},{d},{q})"
    if season:
        name += f"({big_p},{big_d},{big_q})[{season}]"
    if trend == "c":
        name += " with drift" if d + big_d else " with mean"
    return name


def sarimax(values, form, simple_differencing=False):
    """statsmodels' SARIMAX of `form`, ((p, d, q), (P, D, Q, season), trend), on `values`.
    simple_differencing: fit on the differenced values (faster; the same parameters)."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    order, seasonal_order, trend = form
    return SARIMAX(
        values,
        order=order,
        seasonal_order=seasonal_order,
        trend=trend,
        simple_differencing=simple_differencing,
        concentrate_scale=True,  # the noise's variance is solved for, not searched
    )


def arima(values, test, season):
    """Seasonal ARIMA, its orders chosen by AICc on the training part (`arima_candidates`).

    Each form is fitted on the differenced training part; the chosen form then runs the Kalman
    filter over the whole series with those parameters, and `state_space_paths` forecasts from
    each origin. Returns a Reference.
    """
    test_origins, test_start, horizon = test
    series, season, adjustment = long_season_taken_out(values, test_start, season, MAX_ARIMA_SEASON)
    training = series[:test_start]
    fitted = {}
    for form in arima_candidates(training, season):
        fit = sarimax(training, form, simple_differencing=True).fit(disp=False, cov_type="none")
        if np.isfinite(fit.aicc):  # cov_type "none": no standard errors, a faster fit
            fitted[form] = fit
    if not fitted:
        raise ValueError("no ARIMA form could be fitted")
    form = min(fitted, key=lambda each: fitted[each].aicc)
    whole = sarimax(series, form).filter(fitted[form].params)  # the same parameters throughout
    paths = state_space_paths(whole, test_origins, horizon)
    return put_back(paths, adjustment, test_origins, arima_name(form))


def state_space_paths(filtered, test_origins, horizon):
    """(origins, H) forecasts of a state-space model with fixed parameters: from each origin t,
    the state predicted from values[:t] (the Kalman filter's a_t) is carried forward,

        forecast(t + j) = Z a_(t+j) + d,   a_(t+j+1) = T a_(t+j) + c_(t+j)

    (Z: design, T: transition, c: state intercept, d: observation intercept)."""
    ssm = filtered.model.ssm
    design, transition = ssm["design"], ssm["transition"]  # (1, states), (states, states)
    rows, states = filtered.model.nobs, transition.shape[0]
    intercept = np.broadcast_to(np.reshape(ssm["state_intercept"], (states, -1)), (states, rows))
    offset = np.broadcast_to(np.ravel(ssm["obs_intercept"]), (rows,))
    origins = np.asarray(test_origins)
    state = filtered.predicted_state[:, origins]  # (states, origins): a_t for each origin t
    paths = np.empty((len(origins), horizon))
    for j in range(horizon):
        paths[:, j] = (design @ state)[0] + offset[origins + j]
        if j + 1 < horizon:
            state = transition @ state + intercept[:, origins + j]
    return paths


# -- The final forecast (common/forecasting.choose_final) --


def weighted(members, weights):
    """sum over members of weight[h] x forecasts[:, h]: {name: (origins,) or (origins, H)},
    {name: (H,) weights}. Returns the weighted forecasts, shaped like the members'."""
    first = next(iter(members.values()))
    total = np.zeros(np.shape(first))
    for name, forecasts in members.items():
        share = np.asarray(weights[name], dtype=float)
        total = total + (share[0] if np.ndim(first) == 1 else share) * np.asarray(forecasts)
    return total


def seasonal_following(values, season, recipe):
    """Seasonal naive's H steps after the last value ((H,)), or None without a season."""
    if not season or len(values) < season:
        return None
    ahead = np.arange(recipe.horizon)
    back = season * np.ceil((ahead + 1) / season).astype(int)
    return np.asarray(values, dtype=float)[len(values) + ahead - back]


def combined_members(recipe, cell):
    """recipe.choice["final"]'s weights ({member: [weight per step]}), or None when the final
    forecast is the network alone (also in files saved before the combination)."""
    final = recipe.choice.get("final")
    weights = final.get("weights") if isinstance(final, dict) else None
    return None if not weights or set(weights) == {cell} else weights


def following_on_file(frame, recipe):
    """--forecast: every member's H steps after the file's last date but the network's. The
    references are fitted on the stretch the training run fitted them on (recipe.choice["final"]
    ["fitted"]: its first and last date), so an unchanged file gives the run's numbers; a file
    without those dates gets them fitted on all of it. Returns {name: (H,)}."""
    final, values = recipe.choice["final"], frame[recipe.target].to_numpy()
    first, last = (np.datetime64(each) for each in final["fitted"])
    dates = frame.index.to_numpy()
    if first in dates and last in dates:
        start = int(np.flatnonzero(dates == first)[0])
        rows = int(np.flatnonzero(dates == last)[0]) + 1 - start
    else:
        start, rows = 0, len(values)
    values, season = values[start:], final["season"]
    fits, _ = with_following(values, ([], rows, recipe.horizon), season)
    following = {name: fit.following for name, fit in fits.items()}
    following["seasonal_naive"] = seasonal_following(values, season, recipe)
    return following


def final_following(network, following, recipe, cell):
    """The final forecast's steps after the last date: the network's (forecast_ahead's dicts)
    and the other members' ({name: (H,)}), weighted as recipe.choice["final"] says."""
    weights = combined_members(recipe, cell)
    if weights is None:
        return network
    members = {cell: np.array([entry["value"] for entry in network]), **following}
    if any(members.get(name) is None for name in weights):  # a member the file lost: the network
        return network
    path = weighted({name: members[name] for name in weights}, weights)
    return preprocessing.with_intervals([entry["date"] for entry in network], path, recipe)
