"""TLS security policies API Gateway custom domains accept.

AWS keeps adding enhanced policies (`SecurityPolicy_*`), so this is a list to update, not an
enum baked into rules: apic's cfn-lint rule reports a name outside it as a warning when it
has the enhanced-policy shape (it may be newer than this list) and as an error otherwise.
Source: the SecurityPolicy enum of the API Gateway SDKs (2025-09 policies included).
"""

from __future__ import annotations

import re

LEGACY = ("TLS_1_0", "TLS_1_2")
ENHANCED = (
    "SecurityPolicy_TLS12_2018_EDGE",
    "SecurityPolicy_TLS12_PFS_2025_EDGE",
    "SecurityPolicy_TLS13_1_2_2021_06",
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
)
KNOWN = frozenset(LEGACY + ENHANCED)
ENHANCED_SHAPE = re.compile(r"SecurityPolicy_[A-Za-z0-9_]+")
