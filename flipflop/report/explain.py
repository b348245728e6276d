"""Why each recommended configuration performs as predicted, in words: the ``why`` texts of a
Recommendation, written from the figures and Reasons that ``flipflop.search.recommend`` picks."""
from __future__ import annotations

from dataclasses import replace

from flipflop.hardware.profile import GpuProfile
from flipflop.search.recommend import Pick, Recommendation, saving

BOUND_TEXT = {
    "memory": "memory-bound: moving {dram} through DRAM sets its time",
    "compute": "compute-bound: the SM pipelines set its time",
    "latency": "latency-bound: too few requests in flight to hide memory or pipeline latency",
}


def shape_text(block: tuple[int, int, int]) -> str:
    """A block as users write it: ``16×16 (256 threads)``, z only when it is more than 1."""
    dims = [block[0], block[1]] + ([block[2]] if block[2] > 1 else [])
    return "×".join(str(d) for d in dims) + f" ({block[0] * block[1] * block[2]} threads)"


def bytes_text(count: float) -> str:
    """A byte count with three significant digits in the largest unit it reaches."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count:.0f} B"


# What a confined launch keeps of the whole GPU's rate, by what bounds it.
SM_BOUND_TEXT = {
    "memory": ("DRAM-bound", "the bandwidth"),
    "compute": ("Compute-bound", "the throughput"),
    "latency": ("Latency-bound", "the speed"),
}


def sm_text(pick: Pick, profile: GpuProfile) -> str:
    """Why ``pick`` runs on its number of SMs, from its figures against the same configuration
    on the whole GPU ("DRAM-bound: 64 SMs reach 97% of the bandwidth at 71% of the power");
    empty without an SM-count dimension."""
    if pick.active_sms is None:
        return ""
    if pick.whole_gpu is None:
        return f" It runs on all {profile.sm_count} SMs."
    whole = pick.whole_gpu
    bound, rate = SM_BOUND_TEXT.get(pick.reasons["bound"], (pick.reasons["bound"], "the speed"))
    energy = 100 * (1 - pick.energy_j / whole["energy_j"])
    return (f" {bound}: {pick.active_sms} SMs reach {100 * whole['time_ms'] / pick.time_ms:.0f}% of {rate} of all "
            f"{profile.sm_count} at {100 * pick.power_w / whole['power_w']:.0f}% of the power, "
            f"{abs(energy):.0f}% {'less' if energy >= 0 else 'more'} energy.")


def _where(pick: Pick) -> str:
    """``pick``'s shape, and its SM count when the space has that dimension."""
    return shape_text(pick.block) + (f" on {pick.active_sms} SMs" if pick.active_sms is not None else "")


def explain(pick: Pick, profile: GpuProfile) -> str:
    """A few sentences on why ``pick`` performs as predicted, from its Reasons."""
    r = pick.reasons
    text = [f"{_where(pick)} at {pick.power_limit_w:.0f} W: {pick.time_ms:.4g} ms, "
            f"{pick.power_w:.0f} W, {pick.energy_j:.4g} J per launch."]
    text.append("It is " + BOUND_TEXT.get(r["bound"], r["bound"]).format(dram=bytes_text(r["dram_bytes"])) + ".")
    coalescing = r["coalescing_efficiency"]
    if coalescing > 1.0:
        details = [f"threads of a warp share addresses, so each byte fetched serves {coalescing:.1f} requested bytes"]
    else:
        details = [f"global accesses use {100 * coalescing:.0f}% of the bytes they fetch"]
    if r["bank_conflict_degree"] > 1.05:
        details.append(f"shared-memory requests replay {r['bank_conflict_degree']:.1f}× from bank conflicts")
    blocks = r["blocks_per_sm"]
    details.append(f"occupancy is {100 * r['occupancy']:.0f}% ({r['warps_per_sm']} warps, {blocks} "
                   f"block{'s' if blocks != 1 else ''} per SM, limited by {r['occupancy_limiter']})")
    details.append(f"the grid runs in {r['waves']:.2f} waves with the last one {100 * r['tail_efficiency']:.0f}% full")
    text.append(details[0][0].upper() + "; ".join(details)[1:] + ".")
    if pick.sm_clock_mhz < profile.max_sm_clock_mhz - 1:
        text.append(f"The {pick.power_limit_w:.0f} W limit holds the SM clock at {pick.sm_clock_mhz:.0f} MHz "
                    f"(of {profile.max_sm_clock_mhz:.0f}), trading time for power.")
    else:
        text.append(f"The SM clock stays at {pick.sm_clock_mhz:.0f} MHz under this limit.")
    return " ".join(text) + sm_text(pick, profile)


def _comparison(pick: Pick, occ: Pick, fixed: Pick | None) -> str:
    """What ``pick`` saves against each baseline that is not the pick itself."""
    comparisons = []
    for base, name in ((occ, "the occupancy heuristic's"), (fixed, "the fixed")):
        if base is None or base.same_point(pick):
            continue
        s = saving(pick, base)
        comparisons.append(f"{abs(s['energy_saving_pct']):.0f}% {'less' if s['energy_saving_pct'] >= 0 else 'more'} "
                           f"energy and {abs(s['time_change_pct']):.0f}% {'more' if s['time_change_pct'] >= 0 else 'less'} "
                           f"time than {name} {_where(base)}")
    return " Predicted: " + "; ".join(comparisons) + "." if comparisons else ""


def _trade_off(energy_pick: Pick, time_pick: Pick) -> str:
    """Why the energy-optimal pick is not the fastest: what it gives up and what it saves."""
    if energy_pick.same_point(time_pick):
        return " It is also the fastest configuration."
    slower = 100 * (energy_pick.time_ms / time_pick.time_ms - 1)
    saved = 100 * (1 - energy_pick.energy_j / time_pick.energy_j)
    causes = []
    if energy_pick.params != time_pick.params:
        causes.append(f"its shape draws {energy_pick.power_w:.0f} W instead of {time_pick.power_w:.0f} W")
    if energy_pick.sm_clock_mhz < time_pick.sm_clock_mhz - 1:
        causes.append(f"its power limit lowers the clock to {energy_pick.sm_clock_mhz:.0f} MHz")
    if energy_pick.active_sms is not None and energy_pick.active_sms != time_pick.active_sms:
        causes.append(f"it runs on {energy_pick.active_sms} SMs instead of {time_pick.active_sms}")
    because = f" because {' and '.join(causes)}" if causes else ""
    return (f" Against the time-optimal pick it runs {slower:.0f}% longer but uses {saved:.0f}% less energy"
            f"{because}.")


def explained(rec: Recommendation, profile: GpuProfile) -> Recommendation:
    """``rec`` with the ``why`` of each pick and baseline written (the Pareto points stay bare)."""
    occ, fixed = rec.occupancy_baseline, rec.fixed_256_baseline

    def chosen(pick: Pick) -> Pick:
        return replace(pick, why=explain(pick, profile) + _comparison(pick, occ, fixed))

    energy = chosen(rec.energy_optimal)
    return replace(rec, energy_optimal=replace(energy, why=energy.why + _trade_off(rec.energy_optimal,
                                                                                   rec.time_optimal)),
                   time_optimal=chosen(rec.time_optimal), balanced=chosen(rec.balanced),
                   occupancy_baseline=replace(occ, why=explain(occ, profile)),
                   fixed_256_baseline=None if fixed is None else replace(fixed, why=explain(fixed, profile)))
