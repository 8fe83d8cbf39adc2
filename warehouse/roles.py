"""Who may do what (CONTRACT §7): the one place the dashboard's permission checks live."""

from __future__ import annotations

ROLES = ("manager", "engineer", "analyst", "admin", "agent", "department")

# capability -> roles that have it
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "read": ROLES,  # every analysis page and report
    "detail": ("engineer", "analyst", "admin"),  # single responses, comments, one customer's data
    "act": ("engineer", "department", "admin"),  # create and edit corrective actions (department: its own)
    "approve": ("manager", "admin"),  # review and approve corrective actions
    "register": ("engineer", "agent", "admin"),  # register complaints as they arrive
    "cases": ("engineer", "department", "admin"),  # work complaint cases (department: its own)
    "case_detail": ("engineer", "analyst", "admin", "department"),  # single cases (department: its own)
    "calls": ("agent", "manager", "analyst", "admin"),  # the call desk page
    "call": ("agent", "admin"),  # take calls (an agent: its own; the customer's number while open)
    "plan": ("manager", "analyst", "admin"),  # plan a month's calls, hand them out, see progress
    "upload": ("analyst", "admin"),  # upload, roll back, add questionnaires
    "admin": ("admin",),  # users, the audit log, settings
    "unmask": ("admin",),  # phone and ID numbers unmasked
}

# dashboard page (url path) -> the capability it needs
PAGES: dict[str, str] = {
    "overview": "read",
    "dimensions": "read",
    "pareto": "read",
    "causes": "read",
    "voice": "read",
    "competitors": "read",
    "actions": "read",
    "complaints": "read",
    "calls": "calls",
    "alerts": "read",
    "report": "read",
    "upload": "upload",
    "settings": "admin",
    "admin": "admin",
}

# query of sql/queries/ -> the capability it needs beyond "read" (checked by the dashboard's
# query function for every call, whatever page makes it)
QUERIES: dict[str, str] = {
    "drill_item_responses": "detail",
    "drill_since": "detail",
    "complaints_list": "detail",
    "dissatisfied_comments": "detail",
    "term_comments": "detail",
    "customers_surveyed": "detail",
    "customer_item_levels": "detail",
    "users": "admin",
    "audit": "admin",
    "case_board": "case_detail",
    "case_versions": "case_detail",
    "customer_choices": "register",
    "open_cases_of": "register",
    "case_actions": "case_detail",
    "call_board": "calls",
    "call_progress": "plan",
    "call_customer": "call",
    "call_cases": "call",
    "agents": "plan",
}

# queries that read no customer's rows, so a user limited to regions (CONTRACT §7) may run
# them unfiltered. Every other query must filter on $regions (in_regions) or is refused for
# such a user (warehouse.sql.query): a new query cannot forget the limit.
REGION_FREE: dict[str, str] = {
    "batches": "file names, kinds and row counts of uploads",
    "metric_settings": "settings",
    "setting": "settings",
    "questionnaire_toml": "questionnaire definitions",
    "questionnaire_sources": "questionnaire definitions",
    "topic_names": "comment topic definitions",
    "items": "questionnaire definitions",
    "dimensions": "questionnaire definitions",
    "topics_list": "comment topic definitions",
    "users": "user accounts (admin only)",
    "audit": "the audit trail (admin only)",
    "regions": "region names (admin only)",
    "agent_kpis": "counts of calls per agent and month, no customer's rows",
    "agents": "the names of the agent accounts",
    "my_subscriptions": "the user's own report subscriptions",
}

# corrective-action workflow step -> the capability it needs
STEPS: dict[str, str] = {
    "review": "approve",
    "approve": "approve",
    "inform": "act",
    "done": "act",
    "cancel": "act",
}


def can(role: str | None, capability: str) -> bool:
    """Whether `role` has `capability`; unknown roles and capabilities have nothing."""
    return role is not None and role in CAPABILITIES.get(capability, ())


def may_open(role: str | None, page: str) -> bool:
    return page in PAGES and can(role, PAGES[page])


def may_query(role: str | None, query: str) -> bool:
    return can(role, QUERIES.get(query, "read"))


def region_free(query: str) -> bool:
    return query in REGION_FREE
