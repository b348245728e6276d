"""Bundled GPU profiles: vendor facts, provenance, and inheritance from a measured GPU."""
import dataclasses

import pytest

from flipflop.errors import ProfileNotFoundError
from flipflop.hardware.profile import UNIT_CLASSES, available_profiles, load_profile
from flipflop.hardware.registry import inherit, list_profiles, nearest_measured, resolve_profile

NAMES = ["a100-sxm", "h100-sxm", "h200-sxm", "l4", "rtx-3070", "rtx-4090", "rtx-5000-ada"]


def test_all_bundled_profiles_load_with_sources():
    assert set(NAMES) <= set(available_profiles())
    for name in NAMES:
        p = load_profile(name)
        assert p.status in ("measured", "datasheet")
        assert set(UNIT_CLASSES) <= set(p.ops_per_clock_per_sm) and set(UNIT_CLASSES) <= set(p.energy_pj_per_op)
        assert p.power_limit_min_w <= p.power_limit_default_w <= p.power_limit_max_w
        assert p.provenance.get("sources") or p.provenance.get("command")


@pytest.mark.parametrize("name,sms,threads_per_sm,blocks_per_sm,shared_kb,fp32,fp64", [
    ("h100-sxm", 132, 2048, 32, 228, 128, 64),
    ("h200-sxm", 132, 2048, 32, 228, 128, 64),
    ("a100-sxm", 108, 2048, 32, 164, 64, 32),
    ("rtx-3070", 46, 1536, 16, 100, 128, 2),
    ("rtx-4090", 128, 1536, 24, 100, 128, 2),
    ("l4", 58, 1536, 24, 100, 128, 2),
    ("rtx-5000-ada", 100, 1536, 24, 100, 128, 2),
])
def test_vendor_facts(name, sms, threads_per_sm, blocks_per_sm, shared_kb, fp32, fp64):
    p = load_profile(name)
    assert (p.sm_count, p.max_threads_per_sm, p.max_blocks_per_sm) == (sms, threads_per_sm, blocks_per_sm)
    assert p.shared_per_sm_bytes == shared_kb * 1024
    assert p.ops_per_clock_per_sm["fp32"] == fp32 and p.ops_per_clock_per_sm["fp64"] == fp64
    assert p.registers_per_sm == 65536 and p.max_static_shared_per_block_bytes == 48 * 1024


def test_unknown_profile_is_a_one_line_error():
    with pytest.raises(ProfileNotFoundError, match="no GPU profile 'nope'"):
        resolve_profile("nope")


def test_datasheet_inherits_from_measured_scaled_by_node():
    h100 = dataclasses.replace(load_profile("h100-sxm"), status="measured",
                               energy_pj_per_op={u: 10.0 for u in UNIT_CLASSES}, dram_energy_pj_per_byte=20.0,
                               sm_active_power_w=1.0)
    # h200-sxm ships measured since run 11; its datasheet twin stands in for a datasheet Hopper.
    h200 = dataclasses.replace(load_profile("h200-sxm"), status="datasheet")
    a100, l4 = load_profile("a100-sxm"), load_profile("l4")
    assert nearest_measured(h200, [h100, a100, l4]) is h100
    same = inherit(h200, h100)
    assert same.energy_pj_per_op["fp32"] == 10.0
    assert same.origin["energy_pj_per_op"] == "inherited from h100-sxm ×1"
    assert same.dram_energy_pj_per_byte == h200.dram_energy_pj_per_byte  # HBM3e is not HBM3
    scaled = inherit(a100, h100)
    assert scaled.energy_pj_per_op["fp32"] == pytest.approx(13.5)
    assert scaled.sm_active_power_w == pytest.approx(1.35)
    assert scaled.provenance["inherited_from"] == "h100-sxm"
    assert nearest_measured(h100, [h100]) is None


def test_gpus_listing():
    names = [s.name for s in list_profiles()]
    assert names == sorted(names) and set(NAMES) <= set(names)


def test_measured_profile_without_node_in_provenance_still_qualifies():
    h100 = dataclasses.replace(load_profile("h100-sxm"), status="measured", provenance={"command": "calibrate"},
                               energy_pj_per_op={u: 10.0 for u in UNIT_CLASSES})
    rtx3070 = load_profile("rtx-3070")
    assert nearest_measured(rtx3070, [h100]) is h100
    assert inherit(rtx3070, h100).energy_pj_per_op["fp32"] == pytest.approx(16.0)
