"""Run inside a throwaway virtualenv with openfisca-core (AGPL: never a dependency of the project, never imported by
it): the programmes of the spec expressed as OpenFisca variables and formulas, computed for every organisation.

    python _programmes_openfisca.py SPEC.json INPUTS.npz OUT.npz

Amounts are integers in fen (int64 inside the formulas, half-up rounding as the engine's; stored as yuan and fen
parts since OpenFisca's int is 32-bit); prints the seconds spent computing."""

import json
import sys
import time

import numpy as np
from openfisca_core import periods
from openfisca_core.entities import build_entity
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

with open(sys.argv[1], encoding="utf-8") as spec_file:
    spec = json.load(spec_file)
inputs = dict(np.load(sys.argv[2]))
n = int(spec["n"])
Org = build_entity(key="organisation", plural="organisations", label="Organisation", doc="", is_person=True)
tbs = TaxBenefitSystem([Org])
YEAR = periods.DateUnit.YEAR if hasattr(periods, "DateUnit") else periods.YEAR


def add(name, value_type, formula=None, default=0):
    attrs = {"value_type": value_type, "entity": Org, "definition_period": YEAR, "label": name,
             "default_value": default}
    if formula is not None:
        attrs["formula"] = formula
    tbs.add_variable(type(name, (Variable,), attrs))


for name, array in inputs.items():
    add(name, bool if array.dtype == bool else int, default=False if array.dtype == bool else 0)


def fen(org, period, stem):
    return org(f"{stem}_yuan", period).astype(np.int64) * 100 + org(f"{stem}_cents", period).astype(np.int64)


def programme_formula(p):
    def amount_fen(org, period):
        base = fen(org, period, p["base_input"]) if p["base_input"] else None
        ok = np.ones(n, dtype=bool)
        for c in p["conditions"]:
            if c["kind"] == "place":
                ok &= org(c["input"], period)
            elif c["kind"] == "code":  # a coded fact: -1 when not given
                value = org(c["input"], period)
                hit = np.isin(value, c["codes"])
                ok &= (value >= 0) & (~hit if c["op"] == "ne" else hit)
            elif c["kind"] == "flag":  # true/false fact: -1 when not given
                value = org(c["input"], period)
                ok &= value == (1 if c["op"] == "true" else 0)
            elif c["kind"] == "bool":
                value = org(c["input"], period)
                ok &= value if c["op"] == "true" else ~value
            elif c["kind"] == "bound":
                has = org(c["has"], period)
                value = fen(org, period, c["input"])
                ok &= has & ((value >= c["bound_fen"]) if c["op"] == "gte" else (value <= c["bound_fen"]))
        if p["base_input"] and p["kind"] != "fixed":
            ok &= org(p["has_base"], period)
        ok &= ~org(p["exclusive_input"], period)
        formula = p["formula"]
        if formula["kind"] == "fixed":
            amount = np.full(n, formula["fen"], dtype=np.int64)
        elif formula["kind"] == "rate":
            num, den = formula["num"], formula["den"]
            amount = (2 * base * num + den) // (2 * den)
        else:
            amount = np.zeros(n, dtype=np.int64)
            for tier in formula["tiers"]:  # lowest floor first; the highest reached wins
                if tier["fen"] is not None:
                    value = np.full(n, tier["fen"], dtype=np.int64)
                else:
                    value = (2 * base * tier["num"] + tier["den"]) // (2 * tier["den"])
                amount = np.where(base >= tier["floor_fen"], value, amount)
        for cap in p["caps"]:
            used = 0 if cap["period"] == "award" else org(f"{p['var']}_used_{cap['period']}_yuan", period).astype(
                np.int64) * 100
            amount = np.minimum(amount, np.maximum(cap["fen"] - used, 0))
        return np.where(ok, amount, 0)

    def yuan(org, period):
        return amount_fen(org, period) // 100

    def cents(org, period):
        return amount_fen(org, period) % 100

    return yuan, cents


for p in spec["programmes"]:
    yuan, cents = programme_formula(p)
    add(f"{p['var']}_yuan", int, yuan)
    add(f"{p['var']}_cents", int, cents)

period = str(spec["year"])
started = time.perf_counter()
simulation = SimulationBuilder().build_default_simulation(tbs, count=n)
for name, array in inputs.items():
    simulation.set_input(name, period, array)
out = {}
for p in spec["programmes"]:
    out[p["var"]] = (simulation.calculate(f"{p['var']}_yuan", period).astype(np.int64) * 100
                     + simulation.calculate(f"{p['var']}_cents", period).astype(np.int64))
elapsed = time.perf_counter() - started
np.savez(sys.argv[3], **out)
print(json.dumps({"seconds": elapsed}))
