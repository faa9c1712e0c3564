"""The projection (docs/specification.md §5 and §8), vectorised over persons.

Everything here is a pure function of arrays. The structure that makes it fast:

* The valuation date V is a month end, so a person's age in completed months `a0`
  depends only on the birth month, and month k's intensity only on (sex, a0 + k, k).
  Persons who share sex and birth month therefore share one survival path S_c(k): a
  *cohort*. There are at most a few thousand cohorts, however many persons.
* With v_k = I(t_k)·P(t_k), every own-pension annuity from month k_A on is a suffix sum
  of one cohort row: Σ_{k≥k_A} v_k S_c(k) = A_c[k_A], A_c = reverse cumsum of v·S_c.
  A person's value is then a lookup, not a loop over months.
* A spouse pension needs the joint survival S_m·S_sp. It depends on the pair of
  cohorts (member, spouse); suffix sums per distinct pair give the two lookups each
  person needs. With collective spouse data the pair is fixed by the member's cohort;
  with individual spouse data pairs are processed in chunks to bound memory.
* Expected payments by month aggregate the same way: each person adds its payment
  rate to a (cohort, start month) histogram, a cumulative sum over months turns it
  into the rate in force, and one multiplication by the cohort's survival gives the
  expected cash flow.

The grid has months k = 0..HORIZON (HORIZON = 1440, the months before age 120 of a
person aged 0) plus one sentinel month whose survival is 0, so that "from k_A on"
is empty when k_A lies beyond anyone's horizon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.indexation import InflationByTerm, indexation
from tjenestemandspension.actuarial.register import (
    STATUS_ACTIVE,
    STATUS_CHILD,
    STATUS_NAMES,
    STATUS_RETIRED,
    STATUS_SPOUSE,
    Register,
)
from tjenestemandspension.actuarial.ill_health import (
    CohortTables,
    IncidenceTable,
    cohort_tables,
    monthly_incidence,
    rate_histogram,
    take_terms,
    step_sum,
)
from tjenestemandspension.actuarial.rules import (
    BenefitRules,
    IllHealthService,
    benefits,
    ill_health_service,
    ill_health_terms,
    spouse_assumptions,
    state_division,
)
from tjenestemandspension.curves import DiscountCurve
from tjenestemandspension.dates import completed_months, is_month_end
from tjenestemandspension.mortality import HORIZON_MONTHS, MortalityBasis

SENTINEL = HORIZON_MONTHS + 1  # month index with zero survival
GRID = HORIZON_MONTHS + 2  # months 0..SENTINEL
JOINT_CELLS = 4_000_000  # pair × month cells of joint survival computed at once (≈ 32 MB an array)
FEW_CHUNKS = 4  # up to this many chunks, find each chunk's persons by a mask instead of sorting
N_STATUS = len(STATUS_NAMES)


def value_factors(curve: DiscountCurve, inflation: float | InflationByTerm) -> np.ndarray:
    """v_k = I(t_k)·P(t_k) for k = 0..SENTINEL."""
    t = np.arange(GRID) / 12.0
    return indexation(inflation, t) * curve.discount(t)


def suffix_sums(rows: np.ndarray) -> np.ndarray:
    """out[:, k] = Σ_{j ≥ k} rows[:, j]."""
    return np.cumsum(rows[:, ::-1], axis=1)[:, ::-1]


@dataclass(frozen=True)
class PersonValues:
    """Per-person results and intermediates, aligned with the register."""

    age_months: np.ndarray
    pension_age: np.ndarray  # A, NaN for retired/spouse/child
    pension_start_month: np.ndarray  # k_A
    service_whole_years: np.ndarray  # n used for the benefit, NaN where not applicable
    pension_percentage: np.ndarray
    reduction: np.ndarray
    annual_benefit: np.ndarray  # B (reduced)
    unreduced_benefit: np.ndarray  # B_u
    spouse_probability: np.ndarray
    spouse_age_months: np.ndarray
    pv_own: np.ndarray
    pv_lump_sum: np.ndarray
    pv_supplement: np.ndarray
    pv_spouse: np.ndarray
    pv_child: np.ndarray
    pv_ill_health: np.ndarray  # §9.2: own ill-health pensions of actives
    in_service_at_start: np.ndarray  # §9.2: A(t_{k_A−1}), NaN without ill-health months
    ill_health_exit_probability: np.ndarray  # §9.2: Σ_{k<k_A} D_k, NaN without ill-health months
    pv_own_before_takeover: np.ndarray  # §9.3: the kommune's part of a take-over row (NaN on other rows)
    state_share: np.ndarray  # of pv_total (given, or from a cap), 0 on take-over rows
    insured_share: np.ndarray  # of pv_total, or of the kommune's part on take-over rows


@dataclass(frozen=True)
class Projection:
    persons: PersonValues
    monthly_payments: np.ndarray  # (N_STATUS, GRID): expected payments at t_k, net of shares
    value_factors: np.ndarray  # v_k
    n_cohorts: int
    n_spouse_pairs: int


def project(register: Register, valuation_date: dt.date, curve: DiscountCurve,
            mortality: MortalityBasis, inflation: float | InflationByTerm, rules: BenefitRules,
            incidence: IncidenceTable | None = None, shared: "SharedCohorts | None" = None) -> Projection:
    """Value every person of the register: components and expected monthly payments.
    With an incidence table (§9.2), actives may also retire on ill-health. `shared` keeps
    the cohorts' survival rows and annuities across calls on the same assumptions (a batch)."""
    if not is_month_end(valuation_date):
        raise ValueError("the valuation date must be a month end")
    n_persons = len(register)
    status = register.status
    age_months = completed_months(register.birth_date, valuation_date)
    b = benefits(rules, register, age_months)
    spouses = spouse_assumptions(rules, register, age_months, valuation_date)
    probability, spouse_sex, spouse_age = spouses.probability, spouses.sex, spouses.age_months
    division = state_division(register, b, age_months, SENTINEL)
    takeover = division.takeover
    # the kommune's share of every payment; take-over rows pay only their own pension before X (below)
    any_takeover = bool(np.any(takeover))
    weight = 1.0 - division.state_share - division.insured_share
    if any_takeover:
        weight = np.where(takeover, 0.0, weight)

    su_pre, su_post = b.spouse_supplement_before, b.spouse_supplement_after
    has_spouse_value = (probability > 0) & ((b.spouse_before > 0) | (b.spouse_after > 0)
                                            | (su_pre > 0) | (su_post > 0))
    service = None
    if incidence is not None and rules.ill_health_factor > 0:
        service = ill_health_service(rules, register, b, age_months)
        # an ill-health pension has its own 10-year test: its spouse pension needs only a salary
        ill_spouse = np.zeros(n_persons, dtype=bool)
        ill_spouse[service.persons] = service.salary > 0
        has_spouse_value |= (probability > 0) & ill_spouse

    # --- cohorts: one survival row per distinct (sex, age in months) -----------------
    all_sex = np.concatenate([register.sex, spouse_sex[has_spouse_value]]).astype(np.int64)
    all_age = np.concatenate([age_months, spouse_age[has_spouse_value]])
    lowest_age = int(all_age.min())
    age_span = int(all_age.max()) - lowest_age + 1
    cohort_keys, inverse = dense_index((all_age - lowest_age) * 2 + all_sex, 2 * age_span)
    cohort_sex = (cohort_keys % 2).astype(np.int8)
    cohort_age = cohort_keys // 2 + lowest_age
    cohort = inverse[:n_persons]
    spouse_cohort = np.full(n_persons, -1, dtype=np.int64)
    spouse_cohort[has_spouse_value] = inverse[n_persons:]

    v = value_factors(curve, inflation)
    if shared is None:
        survival = np.zeros((cohort_sex.size, GRID))
        survival[:, :GRID - 1] = mortality.monthly_survival(valuation_date, cohort_sex, cohort_age,
                                                            HORIZON_MONTHS)
        annuity = suffix_sums(survival * v)  # annuity[c, k] = Σ_{j≥k} v_j S_c(j)
    else:  # the same rows, computed once for every register valued on these assumptions
        survival, annuity = shared.rows(valuation_date, mortality, v, cohort_sex, cohort_age)

    start = np.minimum(b.start, SENTINEL)  # k_A beyond every horizon: the sentinel month
    pv_own = b.benefit / 12.0 * annuity[cohort, start]
    pv_own[(status == STATUS_SPOUSE) | (status == STATUS_CHILD)] = 0.0
    pv_lump_sum = b.lump_sum * v[start] * survival[cohort, start]
    pv_supplement = np.zeros(n_persons)
    if rules.early_supplement_full > 0:
        supplement_stop = np.clip(np.maximum(start, b.supplement_end + 1), 1, SENTINEL)
        pv_supplement = b.supplement_rate / 12.0 * (annuity[cohort, start] - annuity[cohort, supplement_stop])

    # §9.3: the kommune's part of a take-over row, the own pension paid at t_k, k ≤ takeover_end
    pv_own_before_takeover = np.full(n_persons, np.nan)
    if any_takeover:
        takeover_stop = np.clip(np.maximum(start, division.takeover_end + 1), 1, SENTINEL)
        pv_own_before_takeover = np.where(takeover, b.benefit / 12.0 * (annuity[cohort, start]
                                                                       - annuity[cohort, takeover_stop]), np.nan)
        pv_own_before_takeover[takeover & (status >= STATUS_SPOUSE)] = 0.0

    # §9.2: ill-health exits of actives before k_A; the old-age values are conditional on
    # being in service at t_{k_A−1}: S(t_k) becomes A(t_{k_A−1})·S(t_k)/S(t_{k_A−1})
    pv_ill_health = np.zeros(n_persons)
    in_service_factor = np.ones(n_persons)
    in_service_at_start = np.full(n_persons, np.nan)
    exit_probability = np.full(n_persons, np.nan)
    ill = None
    if service is not None and service.persons.size:
        ill = _IllHealth(service, rules, valuation_date, mortality, incidence, cohort[service.persons],
                         cohort_sex, cohort_age, survival, v)
        ill_persons = service.persons
        in_service_factor[ill_persons] = ill.in_service_factor
        pv_own[ill_persons] *= ill.in_service_factor
        pv_lump_sum[ill_persons] *= ill.in_service_factor
        pv_supplement[ill_persons] *= ill.in_service_factor
        pv_own_before_takeover[ill_persons] *= ill.in_service_factor
        pv_ill_health[ill_persons] = ill.value()
        in_service_at_start[ill_persons] = ill.tables.in_service[ill.row, ill.start - 1]
        exit_probability[ill_persons] = (ill.tables.exits_suffix[ill.row, 1]
                                         - ill.tables.exits_suffix[ill.row, ill.start])
        ill_takeover = takeover[ill_persons]
        if np.any(ill_takeover):
            pv_own_before_takeover[ill_persons[ill_takeover]] += ill.value(
                cap=division.takeover_end[ill_persons] + 1)[ill_takeover]

    pv_spouse = np.where(status == STATUS_SPOUSE, b.benefit / 12.0 * annuity[cohort, 1], 0.0)
    child_stop = np.clip(b.child_end + 1, 1, SENTINEL)
    pv_child = np.where(status == STATUS_CHILD,
                        b.benefit / 12.0 * (annuity[cohort, 1] - annuity[cohort, child_stop]), 0.0)

    # --- expected payments that depend on one survival path ------------------------
    # rows are (status, cohort); a member's spouse-survival part uses the member's
    # status with the spouse's cohort, so both share one histogram
    n_cohorts = cohort_sex.size
    who = np.flatnonzero(has_spouse_value)
    person_keys = status.astype(np.int64) * n_cohorts + cohort
    spouse_keys = status[who].astype(np.int64) * n_cohorts + spouse_cohort[who]
    flows = _SurvivalFlows(np.concatenate([person_keys, spouse_keys]), N_STATUS * n_cohorts, n_cohorts)
    rows, spouse_rows = flows.rows[:n_persons], flows.rows[n_persons:]
    # own pension or pension in payment, and the early supplement, from k_A (1 for payees)
    supplement = np.where(b.supplement_end >= start, b.supplement_rate, 0.0)  # ends before it starts
    own_weight = weight * in_service_factor if ill is not None else weight
    flows.add_rate(rows, start, (b.benefit + supplement) / 12.0 * own_weight)
    flows.add_rate(rows, b.supplement_end + 1, -supplement / 12.0 * own_weight)
    flows.add_rate(rows, b.child_end + 1, np.where(status == STATUS_CHILD, -b.benefit / 12.0 * weight, 0.0))
    flows.add_point(rows, start, b.lump_sum * own_weight)
    if any_takeover:
        kommune_own = np.where(takeover & (status < STATUS_SPOUSE), b.benefit / 12.0 * (1.0 - division.insured_share)
                               * in_service_factor, 0.0)
        flows.add_rate(rows, start, kommune_own)
        flows.add_rate(rows, takeover_stop, -kommune_own)

    # --- spouse pensions of members and retired ---------------------------------------
    monthly_joint = np.zeros((N_STATUS, GRID))
    n_pairs = 0
    ill_weight = None
    if ill is not None:  # the kommune's share of ill-health payments: of a take-over row, those before X
        ill_weight = np.where(takeover, 1.0 - division.insured_share, weight)[ill.persons]
        monthly_joint[STATUS_ACTIVE] += ill.expected_payments(ill_weight, np.where(
            takeover[ill.persons], division.takeover_end[ill.persons] + 1, SENTINEL))
    if who.size:
        cohorts = _Cohorts(survival=survival, annuity=annuity, value_factors=v, age_months=cohort_age)
        if ill is None:
            parts = [(who, spouse_rows, False)]
        else:
            ill_position = np.full(n_persons, -1, dtype=np.int64)
            ill_position[ill.persons] = np.arange(ill.persons.size)
            by_ill = ill_position[who] >= 0
            parts = [(who[~by_ill], spouse_rows[~by_ill], False), (who[by_ill], spouse_rows[by_ill], True)]
        for some, some_rows, after_exits in parts:
            if not some.size:
                continue
            covered = _SpouseCover(status=status[some], member_cohort=cohort[some],
                                   spouse_cohort=spouse_cohort[some], start=start[some],
                                   probability=probability[some], before=b.spouse_before[some],
                                   after=b.spouse_after[some], weight=weight[some], flow_rows=some_rows,
                                   supplement_before=su_pre[some], supplement_after=su_post[some],
                                   supplement_end=np.clip(spouses.supplement_end[some], 0, HORIZON_MONTHS))
            if after_exits:
                pv, pv_su, monthly_part, pairs = _ill_health_spouse_pensions(
                    covered, cohorts, flows, ill, ill_position[some], rules.spouse_fraction)
            else:
                pv, pv_su, monthly_part, pairs = _spouse_pensions(covered, cohorts, flows)
            pv_spouse[some] = pv
            pv_supplement[some] += pv_su
            monthly_joint += monthly_part
            n_pairs += pairs
    monthly = flows.expected(survival) + monthly_joint
    monthly *= indexation(inflation, np.arange(GRID) / 12.0)

    persons = PersonValues(
        age_months=age_months,
        pension_age=b.pension_age,
        pension_start_month=start,
        service_whole_years=b.service_whole_years,
        pension_percentage=b.pension_percentage,
        reduction=b.reduction,
        annual_benefit=b.benefit,
        unreduced_benefit=b.unreduced,
        spouse_probability=np.where(has_spouse_value, probability, 0.0),
        spouse_age_months=np.where(has_spouse_value, spouse_age, -1),
        pv_own=pv_own,
        pv_lump_sum=pv_lump_sum,
        pv_supplement=pv_supplement,
        pv_spouse=pv_spouse,
        pv_child=pv_child,
        pv_ill_health=pv_ill_health,
        in_service_at_start=in_service_at_start,
        ill_health_exit_probability=exit_probability,
        pv_own_before_takeover=pv_own_before_takeover,
        state_share=division.state_share,
        insured_share=division.insured_share,
    )
    return Projection(persons=persons, monthly_payments=monthly, value_factors=v,
                      n_cohorts=int(cohort_sex.size), n_spouse_pairs=n_pairs)


class SharedCohorts:
    """Survival rows S_c and annuities A_c of cohorts (sex, age in months), kept across
    projections on one valuation date, mortality basis and v_k (the kommuner of a batch),
    so that each cohort's rows are computed once. Each row depends on its cohort alone
    (`monthly_survival` and the suffix sums work row by row), so a row taken from here is
    the row a projection of its own would compute, bit for bit."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._mortality: MortalityBasis | None = None
        self._v: np.ndarray | None = None
        self._position = np.full(0, -1, dtype=np.int64)  # cohort key (age·2 + sex) → row, −1 not yet
        self._survival = np.zeros((0, GRID))
        self._annuity = np.zeros((0, GRID))

    def rows(self, valuation_date: dt.date, mortality: MortalityBasis, v: np.ndarray, sex: np.ndarray,
             age_months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(survival, annuity) of the cohorts, one row each, in the order given."""
        if self._key is None:
            self._key, self._mortality, self._v = (valuation_date,), mortality, v.copy()
        elif (self._key != (valuation_date,) or self._mortality is not mortality
              or not np.array_equal(self._v, v)):
            raise ValueError("SharedCohorts serves one valuation date, mortality basis and v_k")
        keys = age_months.astype(np.int64) * 2 + sex.astype(np.int64)
        if keys.size and int(keys.max()) >= self._position.size:
            grown = np.full(int(keys.max()) + 1, -1, dtype=np.int64)
            grown[:self._position.size] = self._position
            self._position = grown
        missing = np.unique(keys[self._position[keys] < 0])
        if missing.size:
            survival = np.zeros((missing.size, GRID))
            survival[:, :GRID - 1] = mortality.monthly_survival(valuation_date, (missing % 2).astype(np.int8),
                                                                missing // 2, HORIZON_MONTHS)
            self._position[missing] = self._survival.shape[0] + np.arange(missing.size)
            self._survival = np.concatenate([self._survival, survival])
            self._annuity = np.concatenate([self._annuity, suffix_sums(survival * v)])
        position = self._position[keys]
        return self._survival[position], self._annuity[position]


def dense_index(keys: np.ndarray, key_range: int) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys in increasing order, each key's position among them) for keys in
    [0, key_range): np.unique without sorting a million keys."""
    present = np.zeros(key_range, dtype=bool)
    present[keys] = True
    position = np.cumsum(present, dtype=np.int32) - 1
    return np.flatnonzero(present), position[keys].astype(np.int64)


class _SurvivalFlows:
    """Expected payments that depend on one survival path: payment-rate changes in a
    (row, month) histogram, rows being (status, cohort) keys; a cumulative sum over
    months turns the changes into the rate in force. Changes are collected and binned
    once, so a million persons make one histogram, not one per kind of payment."""

    def __init__(self, keys: np.ndarray, key_range: int, n_cohorts: int):
        self.row_keys, self.rows = dense_index(keys, key_range)
        self.n_cohorts = n_cohorts
        self._rate_changes: list[tuple[np.ndarray, np.ndarray]] = []
        self._points: list[tuple[np.ndarray, np.ndarray]] = []

    @staticmethod
    def _cells(rows: np.ndarray, month: np.ndarray, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        used = amount != 0
        if np.count_nonzero(used) < used.size // 2:  # sparse: keep only the payments
            rows, month, amount = rows[used], month[used], amount[used]
        return rows * (GRID + 1) + np.clip(month, 0, GRID), amount

    def add_rate(self, rows: np.ndarray, month: np.ndarray, amount: np.ndarray) -> None:
        """The payment rate changes by `amount` from `month` on."""
        self._rate_changes.append(self._cells(rows, month, amount))

    def add_point(self, rows: np.ndarray, month: np.ndarray, amount: np.ndarray) -> None:
        """A single payment of `amount` at `month`."""
        self._points.append(self._cells(rows, month, amount))

    def _histogram(self, parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        size = self.row_keys.size * (GRID + 1)
        if not parts:
            return np.zeros((self.row_keys.size, GRID + 1))
        cells = np.concatenate([c for c, _ in parts])
        amounts = np.concatenate([a for _, a in parts])
        # float even when no payment is left (numpy counts an empty histogram in integers)
        histogram = np.bincount(cells, weights=amounts, minlength=size).astype(float, copy=False)
        return histogram.reshape(self.row_keys.size, GRID + 1)

    def expected(self, survival: np.ndarray) -> np.ndarray:
        amounts = np.cumsum(self._histogram(self._rate_changes)[:, :GRID], axis=1)
        if self._points:
            amounts += self._histogram(self._points)[:, :GRID]
        amounts *= survival[self.row_keys % self.n_cohorts]
        return _sum_by_status(self.row_keys // self.n_cohorts, amounts)


def _sum_by_status(row_status: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Add up rows by their status, (N_STATUS, GRID). Rows come sorted by status (their
    keys put status first), so each status is one contiguous block."""
    totals = np.zeros((N_STATUS, rows.shape[1]))
    if row_status.size:
        firsts = np.flatnonzero(np.r_[True, row_status[1:] != row_status[:-1]])
        totals[row_status[firsts]] = np.add.reduceat(rows, firsts, axis=0)
    return totals


@dataclass(frozen=True)
class _Cohorts:
    """The cohorts' survival rows and annuities, shared by every person of a cohort."""

    survival: np.ndarray  # S_c(t_k), (cohorts, GRID)
    annuity: np.ndarray  # A_c[k] = Σ_{j≥k} v_j S_c(t_j)
    value_factors: np.ndarray  # v_k
    age_months: np.ndarray  # each cohort's a0


@dataclass(frozen=True)
class _SpouseCover:
    """The persons with a spouse pension to value, one entry each."""

    status: np.ndarray
    member_cohort: np.ndarray
    spouse_cohort: np.ndarray
    start: np.ndarray  # k_A
    probability: np.ndarray  # p
    before: np.ndarray  # SB_pre
    after: np.ndarray  # SB_post
    weight: np.ndarray  # the kommune's share, 1 − state share − insured share
    flow_rows: np.ndarray  # their rows of the spouse-survival flows
    supplement_before: np.ndarray  # SU_pre (§9.1)
    supplement_after: np.ndarray  # SU_post
    supplement_end: np.ndarray  # L: the spouse's supplement is paid at t_l, l ≤ L


def _spouse_pensions(covered: _SpouseCover, cohorts: _Cohorts,
                     flows: "_SurvivalFlows") -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Present value and expected payments of the spouse pensions of the persons covered,
    and of the spouse's supplement (§9.1).

    With m = min(k, k_A − 1), the spouse is paid at t_k if alive, after the member died
    before t_k: SB_pre if the death came before pension start, SB_post after. Split at
    k_A, the value needs the spouse's annuity A_sp at 1 and k_A, and the joint suffix
    sum J = Σ v·S_m·S_sp at 1 and k_A:

      12·PV/p = SB_pre·(A_sp[1] − A_sp[k_A] − J[1] + J[k_A])
              + (SB_pre·(1 − S_m(k_A−1)) + SB_post·S_m(k_A−1))·A_sp[k_A] − SB_post·J[k_A]

    The spouse's supplement is the same bracket with SU_pre / SU_post, paid only at
    t_l, l ≤ L (the spouse's months before state pension age): with e1 = min(k_A, L + 1)
    and e2 = max(k_A, L + 1),

      12·PV_su/p = SU_pre·(A_sp[1] − A_sp[e1] − J[1] + J[e1])
                 + (SU_pre·(1 − S_m(k_A−1)) + SU_post·S_m(k_A−1))·(A_sp[k_A] − A_sp[e2])
                 − SU_post·(J[k_A] − J[e2])

    The spouse-survival part of the expected payments goes into `flows`; the joint part
    is returned by status.

    J depends on the pair (member cohort, spouse cohort). Pairs are processed in chunks
    of similar joint horizon (the months before either reaches 120), each chunk only as
    wide as its longest horizon. For retired members k_A = 1 and SB_pre = 0, so without
    a supplement only J[1] is needed: a weighted sum, no suffix sums.
    """
    st, cm, cs, ka = covered.status, covered.member_cohort, covered.spouse_cohort, covered.start
    p, pre, post, w = covered.probability, covered.before, covered.after, covered.weight
    su_pre, su_post = covered.supplement_before, covered.supplement_after
    survival, annuity, v = cohorts.survival, cohorts.annuity, cohorts.value_factors
    member_alive_at_start = survival[cm, ka - 1]
    after_start = pre * (1.0 - member_alive_at_start) + post * member_alive_at_start
    su_after_start = su_pre * (1.0 - member_alive_at_start) + su_post * member_alive_at_start
    with_supplement = (su_pre > 0) | (su_post > 0)
    su_stop = np.minimum(covered.supplement_end + 1, SENTINEL)
    e1 = np.minimum(ka, su_stop)
    e2 = np.maximum(ka, su_stop)

    # spouse-survival part: p·w·(SB_pre before k_A, after_start from k_A)·S_sp
    amount = p * w / 12.0
    flows.add_rate(covered.flow_rows, np.ones_like(ka), amount * pre)
    flows.add_rate(covered.flow_rows, ka, amount * (after_start - pre))
    if np.any(with_supplement):
        flows.add_rate(covered.flow_rows, np.ones_like(ka), amount * su_pre)
        flows.add_rate(covered.flow_rows, e1, -amount * su_pre)
        flows.add_rate(covered.flow_rows, ka, amount * su_after_start)
        flows.add_rate(covered.flow_rows, e2, -amount * su_after_start)

    # distinct pairs (status, member cohort, spouse cohort), ordered by status, then horizon
    n_cohorts = survival.shape[0]
    pair, pair_keys = pd.factorize((st.astype(np.int64) * n_cohorts + cm) * n_cohorts + cs)
    pair_status = pair_keys // (n_cohorts * n_cohorts)
    pair_member = (pair_keys // n_cohorts) % n_cohorts
    pair_spouse = pair_keys % n_cohorts
    older = np.maximum(cohorts.age_months[pair_member], cohorts.age_months[pair_spouse])
    horizon = np.clip(HORIZON_MONTHS - older, 0, HORIZON_MONTHS)  # last month both may be alive
    order = np.lexsort((horizon, pair_status))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    chunks = _chunks(pair_status[order], horizon[order])
    person_rank = rank[pair]
    if len(chunks) > FEW_CHUNKS:  # group persons by chunk once, rather than a mask per chunk
        persons_in_order = np.argsort(person_rank, kind="stable")
        bounds = np.searchsorted(person_rank[persons_in_order], [first for first, _ in chunks] + [order.size])

    def persons_of(number: int, first: int, last: int) -> np.ndarray:
        if len(chunks) == 1:
            return np.arange(ka.size)
        if len(chunks) <= FEW_CHUNKS:
            return np.flatnonzero((person_rank >= first) & (person_rank < last))
        return persons_in_order[bounds[number]:bounds[number + 1]]

    joint_at_1 = np.zeros(ka.size)
    joint_at_start = np.zeros(ka.size)
    joint_at_e1 = np.zeros(ka.size)
    joint_at_e2 = np.zeros(ka.size)
    monthly = np.zeros((N_STATUS, GRID))
    for number, (first, last) in enumerate(chunks):
        chunk_pairs = order[first:last]
        width = int(horizon[chunk_pairs].max()) + 2  # the last column has zero joint survival
        joint = survival[pair_member[chunk_pairs], :width] * survival[pair_spouse[chunk_pairs], :width]
        members = persons_of(number, first, last)
        local = person_rank[members] - first
        chunk_status = int(pair_status[chunk_pairs[0]])
        if chunk_status == STATUS_RETIRED and not np.any(with_supplement[members]):
            joint_at_1[members] = (joint[:, 1:] * v[1:width]).sum(axis=1)[local]
            joint_at_start[members] = joint_at_1[members]
            weights = np.bincount(local, weights=amount[members] * post[members], minlength=last - first)
            monthly[chunk_status, :width] -= (joint * weights[:, None]).sum(axis=0)
            continue
        joint_annuity = suffix_sums(joint * v[:width])
        joint_at_1[members] = joint_annuity[local, 1]
        joint_at_start[members] = joint_annuity[local, np.minimum(ka[members], width - 1)]
        # −p·w·(SB_pre before k_A, SB_post from k_A)·S_m·S_sp
        size = (last - first) * (width + 1)
        cells = local * (width + 1)
        at_1, at_start = cells + 1, cells + np.minimum(ka[members], width)
        changes = [(at_1, amount[members] * pre[members]),
                   (at_start, amount[members] * (post[members] - pre[members]))]
        if np.any(with_supplement[members]):
            joint_at_e1[members] = joint_annuity[local, np.minimum(e1[members], width - 1)]
            joint_at_e2[members] = joint_annuity[local, np.minimum(e2[members], width - 1)]
            # −p·w·(SU_pre from 1 to e1, SU_post from k_A to e2)·S_m·S_sp
            changes += [(at_1, amount[members] * su_pre[members]),
                        (cells + np.minimum(e1[members], width), -amount[members] * su_pre[members]),
                        (at_start, amount[members] * su_post[members]),
                        (cells + np.minimum(e2[members], width), -amount[members] * su_post[members])]
        rate_changes = np.bincount(np.concatenate([c for c, _ in changes]),
                                   weights=np.concatenate([a for _, a in changes]), minlength=size)
        rate = np.cumsum(rate_changes.reshape(last - first, width + 1)[:, :width], axis=1)
        monthly[chunk_status, :width] -= (rate * joint).sum(axis=0)

    spouse_annuity_1 = annuity[cs, 1]
    spouse_annuity_start = annuity[cs, ka]
    pv = p / 12.0 * (pre * (spouse_annuity_1 - spouse_annuity_start - joint_at_1 + joint_at_start)
                     + after_start * spouse_annuity_start - post * joint_at_start)
    pv_supplement = np.zeros(ka.size)
    if np.any(with_supplement):
        pv_supplement = p / 12.0 * (
            su_pre * (spouse_annuity_1 - annuity[cs, e1] - joint_at_1 + joint_at_e1)
            + su_after_start * (spouse_annuity_start - annuity[cs, e2])
            - su_post * (joint_at_start - joint_at_e2))
    return pv, pv_supplement, monthly, int(pair_keys.size)


def _chunks(pair_status: np.ndarray, horizon: np.ndarray) -> list[tuple[int, int]]:
    """Split pairs (sorted by status, then horizon) into runs of one status whose
    chunk × width stays within JOINT_CELLS, so memory stays bounded."""
    chunks = []
    first = 0
    n_pairs = pair_status.size
    while first < n_pairs:
        same_status_end = int(np.searchsorted(pair_status, pair_status[first], side="right"))
        last = first + 1
        # widths grow along the run: take as many pairs as fit at the width of the last one
        step = 256
        while last < same_status_end:
            candidate = min(last + step, same_status_end)
            if (candidate - first) * (int(horizon[candidate - 1]) + 2) > JOINT_CELLS:
                if step == 1:
                    break
                step //= 2
                continue
            last = candidate
        chunks.append((first, last))
        first = last
    return chunks


class _IllHealth:
    """§9.2 for the actives with months before pension start: the cohort tables, the exit
    pensions B_k (and the spouse's supplements after them) as step functions of k, and
    their values; no loop over persons or months."""

    def __init__(self, service: IllHealthService, rules: BenefitRules, valuation_date: dt.date,
                 mortality: MortalityBasis, incidence: IncidenceTable, member_cohort: np.ndarray,
                 cohort_sex: np.ndarray, cohort_age: np.ndarray, survival: np.ndarray, v: np.ndarray):
        self.persons = service.persons
        keys, self.row = np.unique(member_cohort, return_inverse=True)
        self.row_of_cohort = np.full(cohort_sex.size, -1, dtype=np.int64)
        self.row_of_cohort[keys] = np.arange(keys.size)
        stop = service.ordinary_stop
        last = int(stop.max())  # months 1..last cover every exit month k < k_A
        mu = mortality.monthly_intensities(valuation_date, cohort_sex[keys], cohort_age[keys], last)
        iota = monthly_incidence(incidence, rules.ill_health_factor, cohort_sex[keys], cohort_age[keys], last)
        self.tables = cohort_tables(mu, iota, survival[keys], v, rules.ill_health_mortality_factor)
        self.width = last + 1
        self.start = stop
        self.in_service_factor = (self.tables.in_service[self.row, stop - 1] / survival[member_cohort, stop - 1])

        self.pension_terms, self.supplement_terms = ill_health_terms(rules, service)

    def _lookup(self, table: np.ndarray):
        row, last = self.row, self.width - 1
        return lambda who, k: table[row[who], np.minimum(k, last)]

    def value(self, cap: np.ndarray | None = None) -> np.ndarray:
        """PV of the own ill-health pensions; with `cap`, of the payments at t_l, l < cap only."""
        own = step_sum(self.pension_terms, self._lookup(self.tables.own), None if cap is None else
                       np.clip(cap, 1, SENTINEL))
        if cap is None:
            return own / 12.0
        cap = np.clip(cap, 1, SENTINEL)
        rest = step_sum(self.pension_terms, self._lookup(self.tables.exits_over_s_phi_suffix), cap)
        return (own - self.tables.annuity_phi[self.row, cap] * rest) / 12.0

    def expected_payments(self, weight: np.ndarray, cap: np.ndarray) -> np.ndarray:
        """Expected ill-health payments at t_l, l = 0..SENTINEL (before indexation), the
        payments at l ≥ cap left out: S(t_l)^φ · Σ_{k ≤ l, k < min(k_A, cap)} w·B_k·D_k/S(t_k)^φ."""
        tables, width = self.tables, self.width
        cap = np.clip(cap, 1, SENTINEL)
        n_rows = tables.in_service.shape[0]
        row = self.row
        changes = rate_histogram(self.pension_terms, lambda who, k: row[who] * (width + 1) + np.minimum(k, width),
                                 weight / 12.0, n_rows * (width + 1), cap)
        rate = np.cumsum(changes.reshape(n_rows, width + 1)[:, :width], axis=1)
        increments = np.zeros((n_rows, GRID))
        increments[:, :width] = rate * tables.exits_over_s_phi
        capped = cap < SENTINEL  # paid only before the cap: what was in force there stops
        if np.any(capped):
            before = step_sum(self.pension_terms, self._lookup(tables.exits_over_s_phi_suffix), cap)
            np.add.at(increments, (self.row[capped], cap[capped]), -weight[capped] * before[capped] / 12.0)
        return (np.cumsum(increments, axis=1) * tables.survival_phi).sum(axis=0)


def _ill_health_spouse_pensions(covered: _SpouseCover, cohorts: _Cohorts, flows: _SurvivalFlows, ill: _IllHealth,
                                positions: np.ndarray, fraction: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Spouse pensions and supplements of actives with ill-health months (§9.2): the
    bracket of §5 with deaths in service Dth, the spouse pensions after ill-health exits,
    and the old-age part conditional on being in service at t_{k_A−1}. Everything is per
    (member cohort, spouse cohort) pair, to the spouse's horizon (the spouse may outlive
    the member's own horizon):

      12·PV/p = SB_pre·(JD[1] − JD[k_A]) + (SB_pre·Dth(k_A−1) + SB_post·A(k_A−1))·A_sp[k_A]
              − SB_post·ρ·J[k_A] + 0.71·Σ_{k<k_A} B_k·(D_k·A_sp[k] − D_k/S(t_k)^φ·J^φ[k])

    with JD, J, J^φ the suffix sums of v·S_sp·Dth, v·S_sp·S, v·S_sp·S^φ, ρ = A/S at
    k_A − 1; the supplement likewise, its payments at t_l, l ≤ L only. Expected payments
    go into the returned rows (status active); `flows` is not used."""
    cm, cs, ka = covered.member_cohort, covered.spouse_cohort, covered.start
    p, pre, post, w = covered.probability, covered.before, covered.after, covered.weight
    su_pre, su_post = covered.supplement_before, covered.supplement_after
    tables, survival, annuity, v = ill.tables, cohorts.survival, cohorts.annuity, cohorts.value_factors
    row = ill.row[positions]
    in_service = tables.in_service[row, ka - 1]
    died_in_service = tables.deaths_by[row, ka - 1]
    rho = ill.in_service_factor[positions]
    su_stop = np.minimum(covered.supplement_end + 1, SENTINEL)  # L + 1
    e1, e2 = np.minimum(ka, su_stop), np.maximum(ka, su_stop)
    pension_terms = take_terms(ill.pension_terms, positions)
    supplement_terms = take_terms(ill.supplement_terms, positions) if ill.supplement_terms else []
    amount = p * w / 12.0

    n_cohorts = survival.shape[0]
    pair, pair_keys = pd.factorize(cm.astype(np.int64) * n_cohorts + cs)
    pair_member, pair_spouse = pair_keys // n_cohorts, pair_keys % n_cohorts
    horizon = np.clip(HORIZON_MONTHS - cohorts.age_months[pair_spouse], 0, HORIZON_MONTHS)
    order = np.argsort(horizon, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    person_rank = rank[pair]
    chunks = _chunks(np.zeros(order.size, dtype=np.int64), horizon[order])
    if len(chunks) > 1:
        persons_in_order = np.argsort(person_rank, kind="stable")
        bounds = np.searchsorted(person_rank[persons_in_order], [first for first, _ in chunks] + [order.size])

    pv = np.zeros(ka.size)
    pv_su = np.zeros(ka.size)
    monthly = np.zeros((N_STATUS, GRID))
    for number, (first, last) in enumerate(chunks):
        chunk_pairs = order[first:last]
        n = last - first
        width = int(horizon[chunk_pairs].max()) + 2
        members = (np.arange(ka.size) if len(chunks) == 1
                   else persons_in_order[bounds[number]:bounds[number + 1]])
        local = person_rank[members] - first
        prow = ill.row_of_cohort[pair_member[chunk_pairs]]

        def pad(table):
            out = np.zeros((n, width))
            shared = min(width, table.shape[1])
            out[:, :shared] = table[prow, :shared]
            return out

        s_m = survival[pair_member[chunk_pairs], :width]
        s_sp = survival[pair_spouse[chunk_pairs], :width]
        s_phi = tables.survival_phi[prow, :width]
        exits, exits_over, deaths = pad(tables.exits), pad(tables.exits_over_s_phi), pad(tables.deaths_by)
        vv = v[:width]
        spouse_annuity = annuity[pair_spouse[chunk_pairs], :width]
        joint = suffix_sums(s_m * s_sp * vv)
        joint_deaths = suffix_sums(s_sp * deaths * vv)
        joint_phi = suffix_sums(s_sp * s_phi * vv)
        after_exit = suffix_sums(exits * spouse_annuity - exits_over * joint_phi)

        def at(table, k):
            return table[local, np.clip(k[members], 0, width - 1)]

        k_1 = np.ones_like(ka)
        chunk_pension = take_terms(pension_terms, members)
        lookup_after = lambda who, k: after_exit[local[who], np.clip(k, 0, width - 1)]  # noqa: E731
        pv[members] = p[members] / 12.0 * (
            pre[members] * (at(joint_deaths, k_1) - at(joint_deaths, ka))
            + (pre[members] * died_in_service[members] + post[members] * in_service[members]) * at(spouse_annuity, ka)
            - post[members] * rho[members] * at(joint, ka)
            + fraction * step_sum(chunk_pension, lookup_after))

        # expected payments: rates in force per pair row, times the pair's survival products
        def histogram(parts):
            cells = np.concatenate([local * (width + 1) + np.clip(m, 0, width) for m, _ in parts])
            weights = np.concatenate([a for _, a in parts])
            counts = np.bincount(cells, weights=weights, minlength=n * (width + 1)).astype(float, copy=False)
            return counts.reshape(n, width + 1)[:, :width]

        a = amount[members]
        k_a, k_e1, k_e2 = ka[members], e1[members], e2[members]
        before_start = [(k_1[members], a * pre[members]), (k_a, -a * pre[members])]
        spouse_only = [(k_a, a * (pre[members] * died_in_service[members] + post[members] * in_service[members]))]
        joint_rate = [(k_a, a * post[members] * rho[members])]
        def pair_cells(who, k):
            return local[who] * (width + 1) + np.clip(k, 0, width)

        size = n * (width + 1)
        ill_changes = rate_histogram(chunk_pension, pair_cells, fraction * a, size)
        corrections = []
        if supplement_terms:
            chunk_supplement = take_terms(supplement_terms, members)
            cap = su_stop[members]
            su_after = step_sum(chunk_supplement, lookup_after, cap)
            lookup_exits = lambda who, k: tables.exits_suffix[row[members][who], np.minimum(k, ill.width - 1)]  # noqa
            lookup_over = lambda who, k: tables.exits_over_s_phi_suffix[row[members][who],  # noqa: E731
                                                                        np.minimum(k, ill.width - 1)]
            su_exits = step_sum(chunk_supplement, lookup_exits, cap)
            su_over = step_sum(chunk_supplement, lookup_over, cap)
            pv_su[members] = p[members] / 12.0 * (
                su_pre[members] * (at(joint_deaths, k_1) - at(joint_deaths, e1))
                + (su_pre[members] * died_in_service[members] + su_post[members] * in_service[members])
                * (at(spouse_annuity, ka) - at(spouse_annuity, e2))
                - su_post[members] * rho[members] * (at(joint, ka) - at(joint, e2))
                + su_after - at(spouse_annuity, su_stop) * su_exits + at(joint_phi, su_stop) * su_over)
            before_start += [(k_1[members], a * su_pre[members]), (k_e1, -a * su_pre[members])]
            level = a * (su_pre[members] * died_in_service[members] + su_post[members] * in_service[members])
            spouse_only += [(k_a, level), (k_e2, -level)]
            joint_rate += [(k_a, a * su_post[members] * rho[members]), (k_e2, -a * su_post[members] * rho[members])]
            ill_changes += rate_histogram(chunk_supplement, pair_cells, a, size, cap)
            corrections = [(cap, -a * su_exits), (cap, -a * su_over)]
        expected = (np.cumsum(histogram(before_start), axis=1) * deaths
                    + np.cumsum(histogram(spouse_only), axis=1)) * s_sp
        expected -= np.cumsum(histogram(joint_rate), axis=1) * s_m * s_sp
        # after exits: S_sp·(Σ B_k D_k − S^φ·Σ B_k D_k/S^φ(t_k)), the supplement's cut at L + 1
        ill_rate = np.cumsum(ill_changes.reshape(n, width + 1)[:, :width], axis=1)
        by_exits = ill_rate * exits
        by_over = ill_rate * exits_over
        if corrections:
            (cap_e, amount_e), (cap_o, amount_o) = corrections
            keep = cap_e < width
            np.add.at(by_exits, (local[keep], cap_e[keep]), amount_e[keep])
            np.add.at(by_over, (local[keep], cap_o[keep]), amount_o[keep])
        expected += s_sp * (np.cumsum(by_exits, axis=1) - s_phi * np.cumsum(by_over, axis=1))
        monthly[STATUS_ACTIVE, :width] += expected.sum(axis=0)
    return pv, pv_su, monthly, int(pair_keys.size)
