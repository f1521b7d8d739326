"""Trace-driven simulation of GPU placement, queueing and multi-centre dispatch. Pure Python, no Django."""

from .des import (
    DISPATCH_POLICIES,
    QUEUE_POLICIES,
    CentreSpec,
    SimResult,
    Simulation,
    bounds,
    simulate,
    srpt_fluid_mean_jct,
)
from .loaders import (
    OpenbNode,
    OpenbPod,
    TraceJob,
    load_acme,
    load_helios,
    load_openb_nodes,
    load_openb_pods,
    load_pai2020,
    load_philly,
)
from .placement import POLICIES, allocation_curve
from .study import StudyOptions, compare_dispatch

__all__ = [
    "DISPATCH_POLICIES",
    "POLICIES",
    "QUEUE_POLICIES",
    "CentreSpec",
    "OpenbNode",
    "OpenbPod",
    "SimResult",
    "Simulation",
    "StudyOptions",
    "TraceJob",
    "allocation_curve",
    "bounds",
    "compare_dispatch",
    "load_acme",
    "load_helios",
    "load_openb_nodes",
    "load_openb_pods",
    "load_pai2020",
    "load_philly",
    "simulate",
    "srpt_fluid_mean_jct",
]
