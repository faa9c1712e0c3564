"""Benefit rules (docs/specification.md §3 and §8), vectorised over persons: every rule
that turns a person of the register into amounts and dates lives here.

`BenefitRules` holds the basis' benefit settings; the tables themselves (payout ages,
state pension ages, reductions, the pension percentage ladder) live in the basis, not in
code: its methods only know how to look them up. `benefits` applies them to a register
(pension age A, k_A, service n, pct, B_u, B, lump sum, supplement, SB_pre, SB_post, the
end of a child's pension); `spouse_assumptions` gives each person's spouse (p, sex,
age). The projection (projection.py) only adds survival, discounting and cash flows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.ill_health import StepFunction
from tjenestemandspension.actuarial.register import (
    STATUS_ACTIVE,
    STATUS_CHILD,
    STATUS_DEFERRED,
    STATUS_RETIRED,
    STATUS_SPOUSE,
    UNKNOWN,
    Register,
)
from tjenestemandspension.dates import completed_months, shift_months
from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN
from tjenestemandspension.rounding import round_half_up, whole_years

REDUCTION_FIRST_AGE = 60


@dataclass(frozen=True)
class BenefitRules:
    """The basis' benefit settings in the form the engine uses."""

    active_basis: str
    ladder: tuple[tuple[int, float], ...]
    min_service_years: int
    child_pension_end_age: int
    payout_age_table: tuple[tuple[dt.date, float], ...]
    legacy_hire_before: dt.date
    legacy_payout_age: float
    missing_hire_date_is_legacy: bool
    state_pension_age_table: tuple[tuple[dt.date, float], ...]
    offset_years: float
    early_retirement_reduction: bool
    reduction_table_1: tuple[float, ...]
    reduction_table_2: tuple[float, ...]
    reduction_table_2_from_birth_year: int
    spouse_fraction: float
    spouse_fraction_deferred: float
    spouse_min_service_years: int
    marriage_probability_men: float
    marriage_probability_women: float
    age_difference_years: float
    early_supplement_full: float
    supplement_halved_below_age: float
    lump_sum_fraction: float
    lump_sum_service_years: int
    ill_health_factor: float = 1.0  # §9.2
    qualified_share: float = 0.0
    ill_health_mortality_factor: float = 1.0

    @property
    def max_service_years(self) -> int:
        return self.ladder[-1][0]

    @property
    def age_difference_months(self) -> int:
        """The collective spouse's age difference in whole months: round(12 · years)."""
        return int(round_half_up(12.0 * self.age_difference_years))

    @classmethod
    def from_basis(cls, basis: Basis) -> "BenefitRules":
        return cls(
            active_basis=basis["valuation.active_basis"],
            ladder=basis["benefit.pension_percentage_ladder"],
            min_service_years=basis["benefit.min_service_years"],
            child_pension_end_age=basis["benefit.child_pension_end_age"],
            payout_age_table=basis["pension_age.payout_age_table"],
            legacy_hire_before=basis["pension_age.legacy_hire_before"],
            legacy_payout_age=basis["pension_age.legacy_payout_age"],
            missing_hire_date_is_legacy=basis["pension_age.missing_hire_date_is_legacy"],
            state_pension_age_table=basis["pension_age.state_pension_age_table"],
            offset_years=basis["pension_age.offset_years"],
            early_retirement_reduction=basis["pension_age.early_retirement_reduction"],
            reduction_table_1=basis["pension_age.reduction_table_1"],
            reduction_table_2=basis["pension_age.reduction_table_2"],
            reduction_table_2_from_birth_year=basis["pension_age.reduction_table_2_from_birth_year"],
            spouse_fraction=basis["spouse.fraction"],
            spouse_fraction_deferred=basis["spouse.fraction_deferred"],
            spouse_min_service_years=basis["spouse.min_service_years_on_death_in_service"],
            marriage_probability_men=basis["spouse.marriage_probability_men"],
            marriage_probability_women=basis["spouse.marriage_probability_women"],
            age_difference_years=basis["spouse.age_difference_years"],
            early_supplement_full=basis["supplement.early_supplement_full"],
            supplement_halved_below_age=basis["supplement.supplement_halved_below_age"],
            lump_sum_fraction=basis["supplement.lump_sum_fraction"],
            lump_sum_service_years=basis["supplement.lump_sum_service_years"],
            ill_health_factor=basis["ill_health.factor"],
            qualified_share=basis["ill_health.qualified_share"],
            ill_health_mortality_factor=basis["ill_health.mortality_factor"],
        )

    # --- the rules -------------------------------------------------------------------

    def pension_percentage(self, service_whole_years: np.ndarray) -> np.ndarray:
        """Pension percentage as a fraction (0.57 at 37 years), from whole years of service."""
        n = np.minimum(np.asarray(service_whole_years, dtype=float), self.max_service_years)
        points = np.zeros_like(n)
        previous = 0
        for up_to, per_year in self.ladder:
            points += per_year * np.clip(n - previous, 0.0, up_to - previous)
            previous = up_to
        return points / 100.0

    def earliest_payout_age(self, birth_date: np.ndarray, hire_date: np.ndarray) -> np.ndarray:
        """Pensionsudbetalingsalder: by birth date, except members hired before the legacy date."""
        by_birth = _age_from_table(birth_date, self.payout_age_table)
        cutoff = np.datetime64(self.legacy_hire_before, "D")
        hired_early = hire_date < cutoff
        if self.missing_hire_date_is_legacy:
            hired_early |= np.isnat(hire_date)
        return np.where(hired_early, np.minimum(by_birth, self.legacy_payout_age), by_birth)

    def state_pension_age(self, birth_date: np.ndarray) -> np.ndarray:
        return _age_from_table(birth_date, self.state_pension_age_table)

    def reduction(self, pension_age: np.ndarray, birth_year: np.ndarray,
                  state_pension_age: np.ndarray) -> np.ndarray:
        """Førtidspensionsfradrag looked up at the pension age A (completed years);
        0 where A is NaN (no own pension to start)."""
        pension_age = np.asarray(pension_age, dtype=float)
        if not self.early_retirement_reduction:
            return np.zeros_like(pension_age)
        table_1 = np.asarray(self.reduction_table_1)
        table_2 = np.asarray(self.reduction_table_2)
        completed = whole_years(np.nan_to_num(pension_age, nan=REDUCTION_FIRST_AGE))
        index = np.clip(completed - REDUCTION_FIRST_AGE, 0, table_1.size - 1).astype(np.int64)
        rate = np.where(birth_year >= self.reduction_table_2_from_birth_year, table_2[index], table_1[index])
        return np.where(pension_age < state_pension_age, rate, 0.0)

    def marriage_probability(self, sex: np.ndarray) -> np.ndarray:
        return np.where(sex == SEX_MEN, self.marriage_probability_men, self.marriage_probability_women)


def _age_from_table(birth_date: np.ndarray, table: tuple[tuple[dt.date, float], ...]) -> np.ndarray:
    starts = np.array([np.datetime64(born, "D") for born, _ in table])
    ages = np.array([age for _, age in table], dtype=float)
    index = np.searchsorted(starts, birth_date, side="right") - 1
    # birth dates before the first row use the first row (tables start far in the past)
    return ages[np.clip(index, 0, ages.size - 1)]


def birth_years(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970


@dataclass(frozen=True)
class Benefits:
    """The benefit side of every person, aligned with the register (zeros where a
    component does not apply; NaN for what only members have)."""

    pension_age: np.ndarray  # A (members)
    start: np.ndarray  # k_A = max(1, round(12·A) − a0); 1 for pensions in payment
    service_whole_years: np.ndarray  # n
    pension_percentage: np.ndarray  # pct(n)
    reduction: np.ndarray  # the førtidspensionsfradrag at A
    benefit: np.ndarray  # B, reduced (for payees: the pension in payment)
    unreduced: np.ndarray  # B_u
    lump_sum: np.ndarray  # paid at k_A
    supplement_rate: np.ndarray  # yearly early supplement
    supplement_end: np.ndarray  # last month k of the supplement
    spouse_before: np.ndarray  # SB_pre: spouse pension on death before pension start
    spouse_after: np.ndarray  # SB_post: spouse pension on death after it
    child_end: np.ndarray  # last month k of a child's pension
    spouse_supplement_before: np.ndarray  # SU_pre (§9.1), yearly; 0 unless the early supplement is valued
    spouse_supplement_after: np.ndarray  # SU_post (§9.1), yearly
    entitled: np.ndarray  # bool: the old-age values exist (members: 10 years at pension start)
    salary: np.ndarray  # the salary the benefit is computed on (0 where not entitled)
    salary_given: np.ndarray  # the register's salary, entitled or not (ill-health pensions test their own service)
    earliest_payout_age: np.ndarray  # the §3 table (birth and hire date), NaN for payees


def benefits(rules: BenefitRules, register: Register, age_months: np.ndarray) -> Benefits:
    """Benefits per person. Member rules run on the members only (about half a register)
    and are scattered into full-length arrays."""
    n_persons = len(register)
    status = register.status
    pension_age = np.full(n_persons, np.nan)
    start = np.ones(n_persons, dtype=np.int64)
    whole_service = np.full(n_persons, np.nan)
    percentage = np.full(n_persons, np.nan)
    reduction = np.zeros(n_persons)
    benefit = np.zeros(n_persons)
    unreduced = np.zeros(n_persons)
    lump_sum = np.zeros(n_persons)
    supplement_rate = np.zeros(n_persons)
    supplement_end = np.zeros(n_persons, dtype=np.int64)
    spouse_before = np.zeros(n_persons)
    spouse_after = np.zeros(n_persons)
    child_end = np.zeros(n_persons, dtype=np.int64)
    supplement_before = np.zeros(n_persons)
    supplement_after = np.zeros(n_persons)
    entitled_all = np.zeros(n_persons, dtype=bool)
    salary_all = np.zeros(n_persons)
    salary_given_all = np.zeros(n_persons)
    payout_all = np.full(n_persons, np.nan)

    # --- active and deferred members ----------------------------------------------------
    m = np.flatnonzero((status == STATUS_ACTIVE) | (status == STATUS_DEFERRED))
    active = status[m] == STATUS_ACTIVE
    birth = register.birth_date[m]
    a0 = age_months[m]
    given_age = register.pension_age[m]
    payout = rules.earliest_payout_age(birth, register.hire_date[m])
    age = np.where(np.isnan(given_age), payout + rules.offset_years, given_age)
    state_age = rules.state_pension_age(birth)

    service = register.service_years[m]
    fraction = register.employment_fraction[m]
    service_at_start = np.maximum(service, service + (age - a0 / 12.0) * fraction)
    entitled = ~active | (whole_years(service_at_start) >= rules.min_service_years)
    if rules.active_basis == "projected":
        service = np.where(active, service_at_start, service)
    n = np.minimum(whole_years(service), rules.max_service_years)

    salary = register.projected_salary[m]
    salary = np.where(np.isnan(salary), register.pensionable_salary[m], salary)
    salary_given_all[m] = salary
    salary = np.where(entitled, salary, 0.0)
    pct = rules.pension_percentage(n)
    member_reduction = rules.reduction(age, birth_years(birth), state_age)
    member_unreduced = pct * salary

    if rules.early_supplement_full > 0:
        supplement = np.where(entitled, rules.early_supplement_full * n / rules.max_service_years, 0.0)
        supplement_rate[m] = np.where(age < rules.supplement_halved_below_age, 0.5 * supplement, supplement)
        # paid while the month starts before state pension age: a0 + k − 1 < 12·SPA
        supplement_end[m] = round_half_up(12.0 * state_age) - a0
        # the spouse's supplement (§9.1): on max(n, 15) years on death in service, else on n
        full, most = rules.early_supplement_full, rules.max_service_years
        on_death_in_service = full * np.minimum(np.maximum(n, rules.spouse_min_service_years), most) / most
        supplement_before[m] = np.where(entitled, np.where(active, on_death_in_service, full * n / most), 0.0)
        supplement_after[m] = np.where(entitled, full * n / most, 0.0)

    # on death in service at least `spouse_min_service_years` count
    death_in_service = (rules.spouse_fraction
                        * rules.pension_percentage(np.maximum(n, rules.spouse_min_service_years)) * salary)
    spouse_before[m] = np.where(active, death_in_service, rules.spouse_fraction_deferred * member_unreduced)
    spouse_after[m] = np.where(active, rules.spouse_fraction, rules.spouse_fraction_deferred) * member_unreduced

    pension_age[m] = age
    start[m] = np.maximum(round_half_up(12.0 * age) - a0, 1)
    whole_service[m] = n
    percentage[m] = pct
    reduction[m] = member_reduction
    benefit[m] = member_unreduced * (1.0 - member_reduction)
    unreduced[m] = member_unreduced
    lump_sum[m] = np.where(n >= rules.lump_sum_service_years, rules.lump_sum_fraction * salary, 0.0)
    entitled_all[m] = entitled
    salary_all[m] = salary
    payout_all[m] = payout

    # --- pensions in payment ----------------------------------------------------------------
    payees = np.flatnonzero(status >= STATUS_RETIRED)
    benefit[payees] = register.annual_pension[payees]
    retired = payees[status[payees] == STATUS_RETIRED]
    unreduced[retired] = register.annual_pension[retired]
    spouse_after[retired] = rules.spouse_fraction * register.annual_pension[retired]
    if rules.early_supplement_full > 0:  # §9.1: a retired row's spouse supplement needs its service_years
        retired_service = np.minimum(whole_years(np.nan_to_num(register.service_years[retired], nan=0.0)),
                                     rules.max_service_years)
        supplement_after[retired] = rules.early_supplement_full * retired_service / rules.max_service_years
    # a child is paid at t_k while a0 + k < 12·end age
    children = payees[status[payees] == STATUS_CHILD]
    child_end[children] = 12 * rules.child_pension_end_age - 1 - age_months[children]
    return Benefits(pension_age=pension_age, start=start, service_whole_years=whole_service,
                    pension_percentage=percentage, reduction=reduction, benefit=benefit, unreduced=unreduced,
                    lump_sum=lump_sum, supplement_rate=supplement_rate, supplement_end=supplement_end,
                    spouse_before=spouse_before, spouse_after=spouse_after, child_end=child_end,
                    spouse_supplement_before=supplement_before, spouse_supplement_after=supplement_after,
                    entitled=entitled_all, salary=salary_all, salary_given=salary_given_all,
                    earliest_payout_age=payout_all)


@dataclass(frozen=True)
class SpouseAssumptions:
    """Each person's spouse: from the register where it says, else the basis' collective
    assumptions (docs/specification.md §3)."""

    probability: np.ndarray  # p: 1 or 0 where the register says, else the basis' by sex
    sex: np.ndarray  # the register's, else the opposite of the member's
    age_months: np.ndarray  # from the spouse's birth date, else the member's ± the age difference
    supplement_end: np.ndarray  # last month l before the spouse's state pension age (§9.1)


def spouse_assumptions(rules: BenefitRules, register: Register, age_months: np.ndarray,
                       valuation_date: dt.date) -> SpouseAssumptions:
    married = register.married
    probability = np.where(married == 1, 1.0,
                           np.where(married == 0, 0.0, rules.marriage_probability(register.sex)))
    opposite = np.where(register.sex == SEX_MEN, SEX_WOMEN, SEX_MEN).astype(np.int8)
    spouse_sex = np.where(register.spouse_sex == UNKNOWN, opposite, register.spouse_sex).astype(np.int8)
    # a man's wife is younger, a woman's husband older
    shift = rules.age_difference_months
    collective_age = np.where(register.sex == SEX_MEN, age_months - shift, age_months + shift)
    given = ~np.isnat(register.spouse_birth_date)
    spouse_age = collective_age.copy()
    spouse_age[given] = completed_months(register.spouse_birth_date[given], valuation_date)
    # the spouse's supplement is paid while a0_sp + l − 1 < round(12·SPA_sp), SPA_sp by the
    # spouse's birth date: given, or the member's shifted by the age difference (§8)
    supplement_end = np.zeros(len(register), dtype=np.int64)
    if rules.early_supplement_full > 0:  # only the spouse's supplement needs it
        spouse_birth = shift_months(register.birth_date, np.where(register.sex == SEX_MEN, shift, -shift))
        spouse_birth[given] = register.spouse_birth_date[given]
        supplement_end = round_half_up(12.0 * rules.state_pension_age(spouse_birth)) - spouse_age
    return SpouseAssumptions(probability=probability, sex=spouse_sex, age_months=spouse_age,
                             supplement_end=supplement_end)


@dataclass(frozen=True)
class StateDivision:
    """What of each person's value is the state's (docs/specification.md §5 and §9.3).

    Rows with a take-over age: the kommune's part is the own pension (ill-health pension
    included) paid at t_k, k ≤ `takeover_end`, and the insured share applies to that part;
    all else is the state's. Other rows: `state_share` (given, or min(1, cap / salary))
    and `insured_share` of the whole value, the insured share at most what is not the
    state's."""

    takeover: np.ndarray  # bool
    takeover_end: np.ndarray  # last month k the kommune pays (take-over rows), else the sentinel
    state_share: np.ndarray  # of pv_total, 0 on take-over rows
    insured_share: np.ndarray  # of pv_total, or of the kommune's part on take-over rows


def state_division(register: Register, b: Benefits, age_months: np.ndarray, sentinel: int) -> StateDivision:
    status = register.status
    takeover = ~np.isnan(register.state_takeover_age)
    end = np.full(len(register), sentinel, dtype=np.int64)
    # paid at t_k while a0 + k < round(12·X); spouse and child rows are wholly the state's
    end[takeover] = round_half_up(12.0 * register.state_takeover_age[takeover]) - age_months[takeover] - 1
    end[takeover & (status >= STATUS_SPOUSE)] = 0
    share = register.state_share
    capped = ~(np.isnan(register.state_cap_pension) & np.isnan(register.state_cap_salary))
    if not (np.any(takeover) or np.any(capped)):  # no §9.3 column: the shares as given
        return StateDivision(takeover=takeover, takeover_end=end, state_share=share,
                             insured_share=register.insured_share)
    share = share.copy()
    cap = np.where(status == STATUS_RETIRED, register.state_cap_pension, register.state_cap_salary)
    base = np.where(status == STATUS_RETIRED, register.annual_pension, b.salary_given)
    capped = ~np.isnan(cap)
    # min(1, cap / salary); a salary of 0 has nothing above the cap
    share[capped] = np.where(base[capped] > cap[capped], cap[capped] / np.where(base[capped] > 0, base[capped], 1.0),
                             1.0)
    share[takeover] = 0.0
    insured = np.where(takeover, register.insured_share, np.minimum(register.insured_share, 1.0 - share))
    return StateDivision(takeover=takeover, takeover_end=end, state_share=share, insured_share=insured)


@dataclass(frozen=True)
class ServiceSteps:
    """A whole-years service n_k that changes at some months k (§9.2's exit service), for a
    set of persons: n at k = 1, and the months κ from which it is one year more (or less).
    `value(n)` turns it into amounts: B_k = Σ of the amount at k = 1 and the changes."""

    first: np.ndarray  # n_1, per person
    person: np.ndarray  # for each change: the person (index into the set)
    month: np.ndarray  # κ: from this month on ...
    after: np.ndarray  # ... the service is this (one more or one less than before)
    before: np.ndarray

    def amounts(self, value) -> tuple[np.ndarray, np.ndarray]:
        """(amount at k = 1 per person, the change at each κ) for amounts value(n)."""
        return value(self.first), value(self.after) - value(self.before)


@dataclass(frozen=True)
class IllHealthService:
    """§9.2/§9.4 for the actives with ill-health months (1 ≤ k < k_A): the ordinary and the
    qualified exit service as steps in k, and where each applies."""

    persons: np.ndarray  # indices into the register
    ordinary: ServiceSteps
    qualified: ServiceSteps
    ordinary_stop: np.ndarray  # k_A: ordinary pensions for exits in months k < k_A
    qualified_stop: np.ndarray  # qualified exits in months k < this (a0 + k < round(12·payout age)), ≤ k_A
    salary: np.ndarray  # the register's salary (its own 10-year tests, not the old-age entitlement)


def _steps(service_at, estimate, first_month: np.ndarray, last_month: np.ndarray, most: int,
           rising: bool) -> ServiceSteps:
    """The months where whole(service_at(k)) (capped at `most`) changes between the first and
    the last month. service_at is monotone in k; each change month is estimated in closed
    form (`estimate`) and then settled by service_at's own expression, so the whole-year
    decisions are exactly those of the rule."""
    def whole_at(who, k):
        return np.minimum(whole_years(service_at(who, k)), most)

    everyone = np.arange(first_month.size)
    first = whole_at(everyone, first_month)
    last = np.where(last_month >= first_month, whole_at(everyone, np.maximum(last_month, first_month)), first)
    count = np.abs(last - first).astype(np.int64)
    person = np.repeat(everyone, count)
    offset = np.arange(person.size) - np.repeat(np.cumsum(count) - count, count)
    step = 1 if rising else -1
    after = first[person] + step * (offset + 1)
    low, high = first_month[person], last_month[person]

    def reached(k):
        n_k = whole_at(person, k)
        return n_k >= after if rising else n_k <= after

    # the first month k in [low, high] where the service has become `after`
    month = np.clip(estimate(person, after), low, high)
    for _ in range(2):
        month = np.where((month > low) & reached(np.maximum(month - 1, low)), month - 1, month)
        month = np.where(~reached(month) & (month < high), month + 1, month)
    unsettled = ~reached(month) | ((month > low) & reached(np.maximum(month - 1, low)))
    if np.any(unsettled):  # a far estimate (never seen): bisection for those
        where = np.flatnonzero(unsettled)
        lo, hi = low[where].copy(), high[where].copy()
        while np.any(lo < hi):
            middle = (lo + hi) // 2
            n_mid = whole_at(person[where], middle)
            ok = n_mid >= after[where] if rising else n_mid <= after[where]
            hi, lo = np.where(ok, middle, hi), np.where(ok, lo, middle + 1)
        month[where] = lo
    return ServiceSteps(first=first, person=person, month=month, after=after, before=after - step)


def ill_health_service(rules: BenefitRules, register: Register, b: Benefits, age_months: np.ndarray) -> IllHealthService:
    """The exit service of §9.2 for every active with months before pension start."""
    persons = np.flatnonzero((register.status == STATUS_ACTIVE) & (b.start > 1))
    service = register.service_years[persons]
    fraction = register.employment_fraction[persons]
    a0 = age_months[persons]
    stop = b.start[persons]
    most = rules.max_service_years
    ones = np.ones(persons.size, dtype=np.int64)
    if rules.active_basis == "projected":
        def ordinary_at(who, k):
            return service[who] + (k / 12.0) * fraction[who]
    else:
        def ordinary_at(who, k):
            return service[who] + 0.0 * k

    def ordinary_estimate(who, target):  # service + k/12·f reaches target
        return np.ceil(12.0 * (target - service[who]) / fraction[who]).astype(np.int64)

    ordinary = _steps(ordinary_at, ordinary_estimate, ones, stop - 1, most, rising=True)
    payout_months = round_half_up(12.0 * b.earliest_payout_age[persons])
    qualified_stop = np.clip(payout_months - a0, 1, stop)

    def qualified_at(who, k):
        return service[who] + np.maximum(0.0, 70.0 - (a0[who] + k) / 12.0)

    def qualified_estimate(who, target):  # service + 70 − (a0 + k)/12 falls below target + 1
        return np.floor(12.0 * (service[who] + 70.0 - target - 1.0) - a0[who]).astype(np.int64) + 1

    qualified = _steps(qualified_at, qualified_estimate, ones, qualified_stop - 1, most, rising=False)
    return IllHealthService(persons=persons, ordinary=ordinary, qualified=qualified, ordinary_stop=stop,
                            qualified_stop=qualified_stop, salary=b.salary_given[persons])


def ill_health_terms(rules: BenefitRules, service: IllHealthService) -> tuple[list, list]:
    """The exit pension B_k and the spouse's supplement after it as step functions of k
    (§9.4): the ordinary amount in months k < k_A, blended with the qualified one with
    weight q in months before the earliest payout age; each amount with its own 10-year
    test. The supplement's terms are empty when the early supplement is not valued."""
    salary = service.salary
    least, most = rules.min_service_years, rules.max_service_years

    def pension(n, who):
        return rules.pension_percentage(n) * np.where(n >= least, salary[who], 0.0)

    def spouse_supplement(n, who):
        return np.where(n >= least, rules.early_supplement_full * np.minimum(n, most) / most, 0.0)

    def terms(amount):
        everyone = np.arange(service.persons.size)
        ordinary, qualified = (
            StepFunction(base=amount(s.first, everyone), person=s.person, month=s.month,
                         delta=amount(s.after, s.person) - amount(s.before, s.person))
            for s in (service.ordinary, service.qualified))
        q = rules.qualified_share
        return [(ordinary, service.ordinary_stop, 1.0), (qualified, service.qualified_stop, q),
                (ordinary, service.qualified_stop, -q)]

    return terms(pension), (terms(spouse_supplement) if rules.early_supplement_full > 0 else [])
