"""The store's data tables, declared once: every column with its type, its label for
people, what it holds, and how an export's cell becomes it.

Everything else is built from this declaration: the SQL tables (``loaders.store.schema``),
the fields each kind of export is parsed into (``loaders.fields``), the typed frames the
store hands out (``loaders.store.frames``) and the check of the frames the KPI functions
take (``kpi.frames``). Plain Python, no SQLAlchemy, so the KPI engine may import it.

Column kinds: ``text``, ``datetime``, ``date`` (a calendar day), ``float``, ``int``,
``bool``. ``parse`` says how a file's cell is read (``hours``, ``money``, or the kind
itself); ``None`` marks a column the loader derives (a status class, a rating) or keeps
for its own bookkeeping (``source_system``, ``import_id``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("text", "datetime", "date", "float", "int", "bool")
AUTO = "auto"
# The pandas dtype of each kind in the frames the store hands out and the KPIs take.
DTYPES = {"text": "str", "datetime": "datetime64[ns]", "date": "datetime64[ns]",
          "float": "float64", "int": "Int64", "bool": "boolean"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    label: str
    doc: str = ""
    parse: str | None = AUTO     # hours, money, or AUTO (the kind); None: not from a file
    length: int | None = None    # a short code or id: VARCHAR(length), else TEXT
    key: bool = False
    in_frames: bool = True       # read into the frames the KPIs take (False: no KPI reads it)

    @property
    def parse_type(self) -> str | None:
        return self.kind if self.parse == AUTO else self.parse


@dataclass(frozen=True)
class Table:
    name: str
    kind: str                          # the kind of export that fills it
    columns: tuple[Column, ...]
    required: tuple[str, ...]          # a row without these is rejected
    hash_fields: tuple[str, ...] = ()  # an export without ids is keyed on a hash of these
    indexes: tuple[str, ...] = ()      # single-column indexes besides the key and import_id
    inputs: dict[str, str] = field(default_factory=dict)  # file fields that only feed others

    @property
    def key(self) -> str:
        """The id column (with ``source_system`` where the table has one)."""
        return next(c.name for c in self.columns if c.key and c.name != "source_system")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def frame_columns(self) -> tuple[Column, ...]:
        """The columns the store's frames hold (what the KPI functions may read)."""
        return tuple(c for c in self.columns if c.in_frames)

    def __getitem__(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ID, CODE = 200, 40
SOURCE = Column("source_system", "text", "Source", "The PSA preset or user mapping that "
                "exported the row; with the id it identifies the row.", parse=None,
                length=CODE, key=True)
IMPORT = Column("import_id", "int", "Import", "The import that stored this version.",
                parse=None, in_frames=False)

TICKETS = Table("tickets", "tickets", (
    SOURCE,
    Column("ticket_id", "text", "Ticket", "The PSA's ticket number.", length=ID, key=True),
    Column("summary", "text", "Summary"),
    Column("client", "text", "Client", "Company, account or customer."),
    Column("board", "text", "Board", "Board, queue or group."),
    Column("team", "text", "Team"),
    Column("assignee", "text", "Assignee"),
    Column("status", "text", "Status", "The PSA's own status word."),
    Column("status_class", "text", "Status class",
           "open, waiting, resolved, closed or cancelled.", parse=None, length=20),
    Column("priority_raw", "text", "Priority (as exported)"),
    Column("priority", "text", "Priority", "P1..P5, or empty when unknown.", parse=None,
           length=4),
    Column("category", "text", "Category"),
    Column("source_channel", "text", "Channel", "How the ticket came in."),
    Column("created_at", "datetime", "Created"),
    Column("first_response_at", "datetime", "First response"),
    Column("resolved_at", "datetime", "Resolved"),
    Column("closed_at", "datetime", "Closed"),
    Column("response_due_at", "datetime", "Response due", "The PSA's own due time."),
    Column("resolution_due_at", "datetime", "Resolution due", "The PSA's own due time."),
    Column("sla_met", "bool", "SLA met (PSA)", "As the PSA reported it."),
    Column("reopen_count", "int", "Reopens"),
    Column("escalation_count", "int", "Escalations", "How often the ticket was passed to "
           "another group or tier (ServiceNow reassignment_count, or mapped)."),
    Column("hours_actual", "float", "Hours (PSA)", "The ticket's total hours in the PSA.",
           parse="hours"),
    Column("updated_at", "datetime", "Updated", "The PSA's last update of the ticket."),
    IMPORT,
), required=("ticket_id", "created_at"), indexes=("created_at",),
    # HaloPSA's `onhold`: the PSA has paused the ticket's SLA clock (status class waiting).
    inputs={"_sla_hold": "bool"})

TIME_ENTRIES = Table("time_entries", "time_entries", (
    SOURCE,
    Column("entry_id", "text", "Entry", "The PSA's id, else a stable hash of the row.",
           length=ID, key=True, in_frames=False),
    Column("ticket_id", "text", "Ticket", length=ID),
    Column("client", "text", "Client", "The export's, else the ticket's client."),
    Column("technician", "text", "Technician"),
    Column("work_date", "date", "Work date", parse="datetime"),
    Column("hours", "float", "Hours worked", parse="hours"),
    Column("hours_billed", "float", "Hours billed", "Empty when the export has none; the "
           "KPIs then use the hours worked.", parse="hours"),
    Column("billable", "bool", "Billable"),
    Column("bill_rate", "float", "Bill rate", parse="money"),
    Column("work_type", "text", "Work type", in_frames=False),
    Column("entered_at", "datetime", "Entered"),
    IMPORT,
), required=("technician", "work_date", "hours"),
    hash_fields=("ticket_id", "technician", "work_date", "hours", "work_type"),
    indexes=("work_date",),
    inputs={"_entry_number": "text", "_work_end": "datetime", "_non_billable": "bool"})

AGREEMENTS = Table("agreements", "agreements", (
    SOURCE,
    Column("agreement_id", "text", "Agreement", length=ID, key=True),
    Column("client", "text", "Client"),
    Column("name", "text", "Name"),
    Column("type", "text", "Type", "managed, block, time_and_materials, project or other.",
           length=30),
    Column("monthly_revenue", "float", "Monthly revenue", "The amount per billing cycle "
           "divided by the months in the cycle.", parse="money"),
    Column("monthly_cost", "float", "Monthly hard cost", "Tools and licences, per month.",
           parse="money"),
    Column("start_date", "date", "Start"),
    Column("end_date", "date", "End", "The agreement's last day."),
    Column("included_hours", "float", "Included hours", "Hours a month a block or retainer "
           "agreement includes; empty when it includes no fixed hours.", parse="hours"),
    IMPORT,
), required=("client",), hash_fields=("client", "name", "start_date"),
    inputs={"_bill_amount": "money", "_cost_per_cycle": "money", "_billing_cycle": "text",
            # hours included per cycle (ConnectWise applicationLimit, HaloPSA
            # chargehoursperperiod, an Autotask block's Hours), what the limit counts
            # (applicationUnits: Hours, Amount or Incidents), its cycle when it is not the
            # billing cycle (applicationCycle), "no limit" (applicationUnlimitedFlag), and
            # an Autotask block's hourly rate (its price is hours x rate)
            "_included_per_cycle": "hours", "_included_units": "text",
            "_included_cycle": "text", "_included_unlimited": "bool",
            "_block_hourly_rate": "money"})

CSAT = Table("csat_responses", "csat", (
    SOURCE,
    Column("response_id", "text", "Response", length=ID, key=True),
    Column("ticket_id", "text", "Ticket", length=ID),
    Column("client", "text", "Client", "The survey's, else the ticket's client."),
    Column("technician", "text", "Technician", "The survey's, else the ticket's assignee."),
    Column("responded_at", "datetime", "Responded"),
    Column("score_raw", "text", "Score", "The score or label as exported."),
    Column("scale", "text", "Scale", "3-point, 5-point, 0-10 or labels.", parse=None,
           length=10),
    Column("rating", "text", "Rating", "positive, neutral or negative.", parse=None,
           length=10),
    Column("scale_source", "text", "Scale from", "Who said the scale: preset or mapping "
           "(declared for the survey), or settings (the [csat] scale, raised by the file's "
           "values when they go above it; re-rated when the setting changes).", parse=None,
           length=10, in_frames=False),
    Column("comment", "text", "Comment"),
    IMPORT,
), required=("responded_at", "score_raw"),
    hash_fields=("ticket_id", "client", "responded_at", "score_raw"))

TECHNICIANS = Table("technicians", "technicians", (
    Column("name", "text", "Technician", length=ID, key=True),
    Column("team", "text", "Team"),
    Column("hourly_cost", "float", "Hourly cost", "Fully loaded.", parse="money"),
    Column("weekly_capacity_hours", "float", "Weekly capacity", parse="hours"),
    IMPORT,
), required=("name",))

DATA_TABLES: dict[str, Table] = {t.name: t for t in (TICKETS, TIME_ENTRIES, AGREEMENTS,
                                                      CSAT, TECHNICIANS)}
BY_KIND: dict[str, Table] = {t.kind: t for t in DATA_TABLES.values()}
