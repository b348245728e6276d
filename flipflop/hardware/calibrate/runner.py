"""Former path of `python -m flipflop.measure.calibrate.runner`, kept as a command only.

Recorded run scripts (`benchmarks/ground_truth/runs/`) and the bundled profiles' provenance
name this module path; running it runs the new one. It is looked up by name at run time, not
imported, so the hardware stage still imports nothing from measure.
"""
import runpy

if __name__ == "__main__":
    runpy.run_module("flipflop.measure.calibrate.runner", run_name="__main__", alter_sys=True)
