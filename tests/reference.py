"""A deliberately simple per-person valuation, straight from docs/specification.md §§3–8.

One person at a time, one month at a time, plain Python: no cohorts, no suffix sums, no
numpy tricks, and none of the engine's code. It reads the mortality tables and the
basis values directly. The fast engine must agree with it (tests/test_engine_reference.py).
"""

from __future__ import annotations

import datetime as dt
import math

HORIZON = 1440


def completed_months(birth: dt.date, valuation_date: dt.date) -> int:
    months = 12 * (valuation_date.year - birth.year) + (valuation_date.month - birth.month)
    last_day_of_month = (valuation_date + dt.timedelta(days=1)).day == 1
    if valuation_date.day < birth.day and not last_day_of_month:
        months -= 1
    return months


def whole(x: float) -> int:
    return math.floor(x + 1e-9)


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5 + 1e-9)


def shift_months(date: dt.date, months: int) -> dt.date:
    """The date moved by whole calendar months, the day clamped to the month's end."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(date.day, (next_first - dt.timedelta(days=1)).day))


def table_age(birth: dt.date, table) -> float:
    age = table[0][1]
    for born_from, value in table:
        if birth >= born_from:
            age = value
    return age


def pension_pct(n: int, ladder) -> float:
    n = min(n, ladder[-1][0])
    points, previous = 0.0, 0
    for up_to, per_year in ladder:
        if n > previous:
            points += per_year * (min(n, up_to) - previous)
        previous = up_to
    return points / 100


class Reference:
    def __init__(self, basis, curve, mortality_values, improvement_values, benchmark_year):
        self.b = basis
        self.incidence = None  # §9.2: {sex: {age: yearly intensity}} read from the basis' file
        path = basis["ill_health.incidence_file"]
        if path is not None:
            self.incidence = {0: {}, 1: {}}
            lines = open(path, encoding="utf-8-sig").read().splitlines()
            for line in lines[1:]:
                if line.strip():
                    age, men, women = line.split(";")
                    self.incidence[0][int(age)] = float(men)
                    self.incidence[1][int(age)] = float(women)
        self.V = basis["valuation.date"]
        self.curve = curve
        self.mu = mortality_values  # [sex][age]
        self.r = improvement_values
        self.y0 = benchmark_year
        self.i = basis["inflation.rate"]
        self.by_term = basis["inflation.by_term"] or ()
        self._survival_cache = {}
        self._v = [self.indexation(k / 12) * float(curve.discount(k / 12)) for k in range(HORIZON + 2)]

    def indexation(self, t: float) -> float:
        """I(t): the product of the yearly rates (from the term table, else the flat rate),
        a fractional year geometrically."""
        if not self.by_term:
            return (1 + self.i) ** t

        def rate(year: int) -> float:
            return next((r for up_to, r in self.by_term if year <= up_to), self.i)

        growth, year = 1.0, 1
        while year <= t:
            growth *= 1 + rate(year)
            year += 1
        return growth * (1 + rate(year)) ** (t - (year - 1))

    # --- mortality and discounting, per month --------------------------------------
    def intensity(self, sex: int, a0: int, k: int) -> float:
        x = min(110, max(0, (a0 + k - 1) // 12))
        year = self.V.year + (self.V.month - 1 + k) // 12
        factor = self.b["mortality.factor_men"] if sex == 0 else self.b["mortality.factor_women"]
        improvement = self.r[sex][x] if self.b["mortality.improvements"] else 0.0
        return factor * self.mu[sex][x] * (1 - improvement) ** (year - self.y0)

    def ill_health_intensity(self, sex: int, age: int) -> float:
        """ι at a completed age: the table's (missing ages 0) times the factor."""
        return self.b["ill_health.factor"] * self.incidence[sex].get(age, 0.0)

    def survival(self, sex: int, a0: int) -> list[float]:
        """S(t_k) for k = 0..HORIZON+1, zero for months starting at or after age 120."""
        key = (sex, a0)
        if key not in self._survival_cache:
            path = [1.0]
            total = 0.0
            for k in range(1, HORIZON + 2):
                if a0 + k - 1 >= 1440:
                    path.append(0.0)
                    continue
                total += self.intensity(sex, a0, k) / 12
                path.append(math.exp(-total))
            self._survival_cache[key] = path
        return self._survival_cache[key]

    def v(self, k: int) -> float:
        """I(t_k)·P(t_k), t_k = k/12."""
        return self._v[k]

    # --- one person ---------------------------------------------------------------------
    def value(self, p: dict) -> dict:
        """The components, and the state's, the insured and the kommune's parts (§5, §9.3)."""
        out = self._components(p)
        total = sum(out[c] for c in ("pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child",
                                     "pv_ill_health"))
        insured = p.get("insured_share") or 0.0
        if p.get("state_takeover_age") is not None:
            # the kommune pays the own pension (ill-health pension included) at t_k, a0 + k < round(12·X)
            kommune = out["kommune_own"]
            out.update(state_part=total - kommune, insured_part=insured * kommune)
        else:
            share = p.get("state_share") or 0.0
            cap = p.get("state_cap_pension") if p["status"] == "retired" else p.get("state_cap_salary")
            if cap is not None:
                salary = out["salary"]
                share = 1.0 if salary <= cap else cap / salary
            out.update(state_part=share * total, insured_part=min(insured, 1 - share) * total)
        out["pv_total"] = total
        out["liability"] = total - out["state_part"] - out["insured_part"]
        return out

    def _takeover_month(self, p: dict, a0: int) -> int:
        """Own payments at t_k count for the kommune while k < this (§9.3)."""
        if p.get("state_takeover_age") is None:
            return HORIZON + 2
        return round_half_up(12 * p["state_takeover_age"]) - a0

    def _components(self, p: dict) -> dict:
        b = self.b
        V = self.V
        status = p["status"]
        sex = 0 if p["sex"] == "M" else 1
        a0 = completed_months(p["birth_date"], V)
        S = self.survival(sex, a0)
        out = dict(pv_own=0.0, pv_lump_sum=0.0, pv_supplement=0.0, pv_spouse=0.0, pv_child=0.0,
                   pv_ill_health=0.0, kommune_own=0.0, salary=0.0, pension_age=None, annual_benefit=0.0, k_A=1)
        if status in ("spouse", "child"):
            B = p["annual_pension"]
            out["annual_benefit"] = B
            if status == "spouse":
                out["pv_spouse"] = sum(B / 12 * self.v(k) * S[k] for k in range(1, HORIZON + 1))
            else:
                end_months = 12 * b["benefit.child_pension_end_age"]
                out["pv_child"] = sum(B / 12 * self.v(k) * S[k] for k in range(1, HORIZON + 1)
                                      if a0 + k < end_months)
            return out

        ladder = b["benefit.pension_percentage_ladder"]
        most = ladder[-1][0]
        least = b["benefit.min_service_years"]
        F = b["supplement.early_supplement_full"]
        spa = table_age(p["birth_date"], b["pension_age.state_pension_age_table"])
        entitled = True
        if status == "retired":
            A = None
            k_A = 1
            B_u = B = p["annual_pension"]
            salary = 0.0
            out["salary"] = B
            n = None
            SB_pre = 0.0
            SB_post = b["spouse.fraction"] * B_u
            # §9.1/§9.4: the spouse's supplement only with the row's service_years, no 10-year test
            SU_pre = 0.0
            SU_post = 0.0
            if p.get("service_years") is not None:
                SU_post = F * min(whole(p["service_years"]), 37) / 37
        else:
            hire = p.get("hire_date")
            legacy = (hire is None and b["pension_age.missing_hire_date_is_legacy"]) or (
                hire is not None and hire < b["pension_age.legacy_hire_before"])
            payout = table_age(p["birth_date"], b["pension_age.payout_age_table"])
            if legacy:
                payout = min(payout, b["pension_age.legacy_payout_age"])
            A = p["pension_age"] if p.get("pension_age") is not None else payout + b["pension_age.offset_years"]
            k_A = max(1, round_half_up(12 * A) - a0)
            service = p["service_years"]
            fraction = p.get("employment_fraction") or 1.0
            at_start = max(service, service + (A - a0 / 12) * fraction)
            register_salary = p["projected_salary"] if p.get("projected_salary") is not None else p["pensionable_salary"]
            out["salary"] = register_salary
            entitled = not (status == "active" and whole(at_start) < least)
            basis_service = at_start if (status == "active" and b["valuation.active_basis"] == "projected") else service
            n = min(whole(basis_service), most)
            salary = register_salary if entitled else 0.0
            B_u = pension_pct(n, ladder) * salary
            reduction = 0.0
            if b["pension_age.early_retirement_reduction"] and A < spa:
                table = (b["pension_age.reduction_table_2"]
                         if p["birth_date"].year >= b["pension_age.reduction_table_2_from_birth_year"]
                         else b["pension_age.reduction_table_1"])
                reduction = table[min(max(whole(A) - 60, 0), 5)]
            B = B_u * (1 - reduction)
            if status == "active":
                n_sp = max(n, b["spouse.min_service_years_on_death_in_service"])
                SB_pre = b["spouse.fraction"] * pension_pct(n_sp, ladder) * salary
                SB_post = b["spouse.fraction"] * B_u
            else:
                SB_pre = SB_post = b["spouse.fraction_deferred"] * B_u
                n_sp = n
            SU_pre = F * min(n_sp, 37) / 37 if entitled else 0.0
            SU_post = F * min(n, 37) / 37 if entitled else 0.0
            if not entitled:
                B = 0.0
        out.update(pension_age=A, k_A=k_A, annual_benefit=B)

        # §9.2: ill-health exits in months 1 ≤ k < k_A of actives
        phi = b["ill_health.mortality_factor"]
        ill = self.incidence is not None and status == "active" and k_A > 1
        in_service = [1.0]  # A(t_k)
        deaths = [0.0]  # Dth(t_k): death in service by t_k
        exits = [0.0]  # D_k
        B_k = [0.0]  # the ill-health pension of an exit in month k
        SU_k = [0.0]  # the spouse's supplement after it
        if ill:
            q = b["ill_health.qualified_share"]
            hazard = 0.0
            for k in range(1, k_A):
                mu = self.intensity(sex, a0, k)
                iota = self.ill_health_intensity(sex, (a0 + k - 1) // 12)
                hazard += (mu + iota) / 12
                leaving = in_service[k - 1] * (1 - math.exp(-(mu + iota) / 12))
                exits.append(leaving * iota / (mu + iota) if mu + iota > 0 else 0.0)
                deaths.append(deaths[-1] + (leaving * mu / (mu + iota) if mu + iota > 0 else 0.0))
                in_service.append(math.exp(-hazard))
                if b["valuation.active_basis"] == "projected":
                    n_ord = min(whole(service + (k / 12) * fraction), most)
                else:
                    n_ord = min(whole(service), most)
                ordinary = pension_pct(n_ord, ladder) * register_salary if n_ord >= least else 0.0
                su_ordinary = F * min(n_ord, 37) / 37 if n_ord >= least else 0.0
                if a0 + k < round_half_up(12 * payout):  # qualified (§ 7): service to age 70
                    n_q = min(whole(service + max(0.0, 70 - (a0 + k) / 12)), most)
                    qualified = pension_pct(n_q, ladder) * register_salary if n_q >= least else 0.0
                    su_qualified = F * min(n_q, 37) / 37 if n_q >= least else 0.0
                    B_k.append((1 - q) * ordinary + q * qualified)
                    SU_k.append((1 - q) * su_ordinary + q * su_qualified)
                else:
                    B_k.append(ordinary)
                    SU_k.append(su_ordinary)
            # Σ_{l≥k} v_l S(t_l)^φ, by a backward loop
            tail = [0.0] * (HORIZON + 3)
            for l in range(HORIZON + 1, 0, -1):
                tail[l] = tail[l + 1] + self.v(l) * S[l] ** phi
            takeover = self._takeover_month(p, a0)
            for k in range(1, k_A):
                out["pv_ill_health"] += B_k[k] / 12 * exits[k] * tail[k] / S[k] ** phi
                if k < takeover:
                    out["kommune_own"] += B_k[k] / 12 * exits[k] * (tail[k] - tail[min(takeover, HORIZON + 2)]) / S[k] ** phi
        # the old-age values are conditional on being in service at t_{k_A−1}
        in_service_factor = in_service[k_A - 1] / S[k_A - 1] if ill else 1.0

        if entitled:
            out["pv_own"] = in_service_factor * sum(B / 12 * self.v(k) * S[k] for k in range(k_A, HORIZON + 1))
            takeover = self._takeover_month(p, a0)
            out["kommune_own"] += in_service_factor * sum(B / 12 * self.v(k) * S[k]
                                                          for k in range(k_A, min(takeover, HORIZON + 1)))
            if status != "retired":
                if n >= b["supplement.lump_sum_service_years"]:
                    out["pv_lump_sum"] = (in_service_factor * b["supplement.lump_sum_fraction"] * salary * self.v(k_A)
                                          * S[k_A])
                if F > 0:
                    yearly = F * min(n, most) / most
                    if A < b["supplement.supplement_halved_below_age"]:
                        yearly /= 2
                    out["pv_supplement"] = in_service_factor * sum(
                        yearly / 12 * self.v(k) * S[k] for k in range(k_A, HORIZON + 1)
                        if a0 + k - 1 < round_half_up(12 * spa))

        # spouse pension
        married = p.get("married")
        if married is True:
            prob = 1.0
        elif married is False:
            prob = 0.0
        else:
            prob = b["spouse.marriage_probability_men"] if sex == 0 else b["spouse.marriage_probability_women"]
        if prob == 0 or (SB_pre == 0 and SB_post == 0 and SU_pre == 0 and SU_post == 0 and not any(B_k)):
            return out
        spouse_sex = {"M": 0, "K": 1, "F": 1}.get(p.get("spouse_sex") or "", 1 - sex)
        if p.get("spouse_birth_date") is not None:
            a0_sp = completed_months(p["spouse_birth_date"], V)
            spouse_birth = p["spouse_birth_date"]
        else:
            shift = round_half_up(12 * b["spouse.age_difference_years"])
            a0_sp = a0 - shift if sex == 0 else a0 + shift
            spouse_birth = shift_months(p["birth_date"], shift if sex == 0 else -shift)
        spa_sp = table_age(spouse_birth, b["pension_age.state_pension_age_table"])
        S_sp = self.survival(spouse_sex, a0_sp)
        total = 0.0
        supplement = 0.0
        if not ill:
            for k in range(1, HORIZON + 2):
                m = min(k, k_A - 1)
                total += self.v(k) * S_sp[k] * (SB_pre * (1 - S[m]) + SB_post * (S[m] - S[k])) / 12
                if a0_sp + k - 1 < round_half_up(12 * spa_sp):  # §9.1: before the spouse's state pension age
                    supplement += self.v(k) * S_sp[k] * (SU_pre * (1 - S[m]) + SU_post * (S[m] - S[k])) / 12
        else:
            # §9.2's bracket: Dth, spouses after ill-health exits k ≤ m (running sums over k), and
            # after pension start the member in service at t_{k_A−1}
            sp = b["spouse.fraction"]
            by_exits = over_phi = su_by_exits = su_over_phi = 0.0
            A_last, S_last = in_service[k_A - 1], S[k_A - 1]
            for l in range(1, HORIZON + 2):
                m = min(l, k_A - 1)
                if l <= k_A - 1:
                    by_exits += exits[l] * B_k[l]
                    over_phi += exits[l] * B_k[l] / S[l] ** phi
                    su_by_exits += exits[l] * SU_k[l]
                    su_over_phi += exits[l] * SU_k[l] / S[l] ** phi
                after_start = A_last * (1 - S[l] / S_last) if l >= k_A else 0.0
                total += self.v(l) * S_sp[l] * (SB_pre * deaths[m] + sp * (by_exits - S[l] ** phi * over_phi)
                                                + SB_post * after_start) / 12
                if a0_sp + l - 1 < round_half_up(12 * spa_sp):
                    supplement += self.v(l) * S_sp[l] * (SU_pre * deaths[m] + (su_by_exits - S[l] ** phi * su_over_phi)
                                                         + SU_post * after_start) / 12
        out["pv_spouse"] = prob * total
        out["pv_supplement"] += prob * supplement
        return out


def _optional(value):
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _date(value):
    value = _optional(value)
    return None if value is None else dt.date.fromisoformat(str(value)[:10])


def persons_from_frame(frame) -> list[dict]:
    """Register rows (canonical columns, text dates) as the reference's person dicts."""
    persons = []
    for row in frame.to_dict("records"):
        married = _optional(row.get("married"))
        persons.append(dict(
            status=row["status"],
            sex=row["sex"],
            birth_date=_date(row["birth_date"]),
            service_years=_optional(row.get("service_years")),
            pensionable_salary=_optional(row.get("pensionable_salary")),
            projected_salary=_optional(row.get("projected_salary")),
            annual_pension=_optional(row.get("annual_pension")),
            hire_date=_date(row.get("hire_date")),
            pension_age=_optional(row.get("pension_age")),
            employment_fraction=_optional(row.get("employment_fraction")),
            married=None if married is None else str(married).lower() == "true",
            spouse_birth_date=_date(row.get("spouse_birth_date")),
            spouse_sex=_optional(row.get("spouse_sex")),
            state_share=_optional(row.get("state_share")),
            insured_share=_optional(row.get("insured_share")),
            state_takeover_age=_optional(row.get("state_takeover_age")),
            state_cap_salary=_optional(row.get("state_cap_salary")),
            state_cap_pension=_optional(row.get("state_cap_pension")),
        ))
    return persons
