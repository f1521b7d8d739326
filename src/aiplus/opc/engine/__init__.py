"""The OPC register's pure rules (no Django): the working definition of a one-person company checked with reasons,
the entitlement bundles read from the packs, and a community's and a jurisdiction's KPIs against the targets."""

from aiplus.opc.engine.bundles import Bundle, BundleError, load_bundles
from aiplus.opc.engine.definition import TOOLS, Applicant, check_definition
from aiplus.opc.engine.kpis import Target, progress

__all__ = ["TOOLS", "Applicant", "Bundle", "BundleError", "Target", "check_definition", "load_bundles", "progress"]
