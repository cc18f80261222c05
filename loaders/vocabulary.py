"""The words people and exports use for each canonical field.

Two readers share them: a user mapping whose settings name a field the way people write it
(`priority` for ``priority_raw``, ``mapping.py``), and the guesser that drafts a mapping for
an export nobody has described yet from its header names (``guess.py``). Help desks export
in their user's language, so the header words include Portuguese and Spanish ones seen in
GLPI and similar exports; accents, case and punctuation never matter (``words``).

Each field's words run from the most to the least specific. A word listed under two fields
of one kind is never taken as a field name (it would be a guess); the guesser still uses it
as a hint and lets the column's values decide.
"""
from __future__ import annotations

import re
import unicodedata

from . import fields

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^0-9a-z#]+")


def words(text: object) -> tuple[str, ...]:
    """`Data de abertura`, `dateEntered` and `DATE_ENTERED` as plain lower-case words,
    accents dropped (`Última atualização` -> ultima, atualizacao)."""
    text = _CAMEL.sub(" ", str(text).replace("\ufeff", ""))
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return tuple(w for w in _NON_WORD.split(plain.lower()) if w)


def key(text: object) -> str:
    return " ".join(words(text))


FIELD_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "tickets": {
        "ticket_id": ("ticket id", "ticket number", "ticket no", "ticket #", "ticket",
                      "incident number", "case number", "id", "number", "ref", "reference",
                      "chamado", "numero", "no"),
        "summary": ("summary", "subject", "title", "short description", "description",
                    "titulo", "assunto", "resumo", "asunto"),
        "client": ("client", "company", "company name", "customer", "account",
                   "organization", "organisation", "client name", "entidade", "empresa",
                   "cliente", "entidad"),
        "board": ("board", "queue", "fila", "cola"),
        "team": ("team", "group", "assignment group", "support group", "grupo",
                 "grupo tecnico", "equipe", "equipo"),
        "assignee": ("assignee", "agent", "assigned to", "owner", "technician", "tech",
                     "resource", "primary resource", "responder", "assigned agent", "tecnico",
                     "atribuido tecnico", "atribuido", "responsavel", "agente"),
        "status": ("status", "state", "ticket status", "estado", "situacao"),
        "priority_raw": ("priority", "priority raw", "urgency", "severity", "prioridade",
                         "prioridad"),
        "category": ("category", "type", "ticket type", "issue type", "categoria", "tipo"),
        "source_channel": ("source", "channel", "source channel", "origin", "contact type",
                           "origem", "fonte", "origen", "canal"),
        "created_at": ("created at", "created", "created time", "created date",
                       "date created", "creation date", "opened at", "opened", "open date",
                       "opening date", "date opened", "submitted", "reported", "date entered",
                       "entered", "data de abertura", "abertura", "data de criacao",
                       "criado em", "fecha de creacion", "fecha de apertura", "date"),
        "first_response_at": ("first response at", "first response", "first responded",
                              "initial response time", "initial response", "responded",
                              "primeira resposta", "primera respuesta"),
        "resolved_at": ("resolved at", "resolved", "resolved time", "resolved date",
                        "resolution date", "date resolved", "solved at", "solved",
                        "data de solucao", "data da solucao", "solucao", "fecha de solucion"),
        "closed_at": ("closed at", "closed", "closed time", "closed date", "close date",
                      "date closed", "completed", "complete date", "data de fechamento",
                      "fechamento", "fecha de cierre"),
        "response_due_at": ("response due at", "response due", "first response due",
                            "respond by", "fr due by", "tempo para atendimento",
                            "tempo para primeira resposta"),
        "resolution_due_at": ("resolution due at", "resolution due", "due by", "due by time",
                              "due date", "due", "resolve by", "fix by", "tempo para solucao",
                              "prazo", "vencimento"),
        "sla_met": ("sla met", "in sla", "made sla", "within sla", "sla"),
        "reopen_count": ("reopen count", "reopens", "reopened", "times reopened"),
        "escalation_count": ("escalation count", "escalations", "reassignment count",
                             "times escalated"),
        "hours_actual": ("hours actual", "hours", "actual hours", "time tracked",
                         "time spent", "hours worked", "total hours", "tempo gasto",
                         "duracao", "duration"),
        "updated_at": ("updated at", "updated", "last update", "last updated",
                       "last update time", "last modified", "modified", "last activity",
                       "ultima atualizacao", "atualizacao", "ultima modificacao",
                       "ultima actualizacion"),
    },
    "time_entries": {
        "entry_id": ("entry id", "time entry id", "id", "entry"),
        "ticket_id": ("ticket id", "ticket number", "ticket #", "ticket", "ticket no",
                      "chamado"),
        "client": ("client", "company", "customer", "account", "entidade", "cliente"),
        "technician": ("technician", "agent", "member", "resource", "user", "who",
                       "worked by", "tecnico", "usuario", "agente"),
        "work_date": ("work date", "date worked", "date", "worked on", "start", "start time",
                      "executed at", "data", "fecha"),
        "_work_end": ("work end", "end", "end time"),
        "hours": ("hours", "hours worked", "time spent", "duration", "time", "billable time",
                  "tempo", "duracao", "horas"),
        "hours_billed": ("hours billed", "billed hours", "hours to bill", "billed"),
        "billable": ("billable", "is billable", "faturavel"),
        "bill_rate": ("bill rate", "rate", "hourly rate", "billing rate"),
        "work_type": ("work type", "type", "billing code", "activity", "tipo"),
        "entered_at": ("entered at", "entered", "created at", "created"),
    },
    "agreements": {
        "agreement_id": ("agreement id", "contract id", "id", "contract number", "ref"),
        "client": ("client", "company", "customer", "account", "entidade", "cliente"),
        "name": ("name", "agreement", "contract", "contract name", "agreement name",
                 "nome"),
        "type": ("type", "agreement type", "contract type", "tipo"),
        "monthly_revenue": ("monthly revenue", "mrr", "monthly price", "monthly amount",
                            "revenue"),
        "monthly_cost": ("monthly cost", "cost per month"),
        "start_date": ("start date", "start", "begins", "inicio", "data de inicio"),
        "end_date": ("end date", "end", "expires", "expiry date", "fim", "data de fim"),
        "included_hours": ("included hours", "hours included", "block hours",
                           "hours per month"),
        "_bill_amount": ("bill amount", "amount", "price", "valor"),
        "_cost_per_cycle": ("cost per cycle", "cost", "custo"),
        "_billing_cycle": ("billing cycle", "cycle", "invoicing cycle", "billing period",
                           "period"),
    },
    "csat": {
        "response_id": ("response id", "survey id", "id"),
        "ticket_id": ("ticket id", "ticket number", "ticket #", "ticket"),
        "client": ("client", "company", "customer", "account", "cliente"),
        "technician": ("technician", "agent", "resource", "assignee", "tecnico"),
        "responded_at": ("responded at", "responded", "date", "survey date",
                         "completed", "submitted", "created at", "data"),
        "score_raw": ("score raw", "score", "rating", "survey rating", "survey result",
                      "survey results", "nota", "avaliacao"),
        "comment": ("comment", "comments", "feedback", "remarks", "comentario"),
    },
    "technicians": {
        "name": ("name", "technician", "agent", "nome"),
        "team": ("team", "group", "grupo"),
        "hourly_cost": ("hourly cost", "cost per hour", "cost"),
        "weekly_capacity_hours": ("weekly capacity hours", "weekly capacity", "capacity",
                                  "hours per week"),
    },
}


def _name_index(kind: str) -> dict[str, str]:
    """word -> field for the words only one field of the kind uses, the field names
    themselves included (with or without the leading ``_`` of an input)."""
    seen: dict[str, set[str]] = {}
    for fld, ws in FIELD_WORDS.get(kind, {}).items():
        for w in (*ws, fld, fld.lstrip("_")):
            seen.setdefault(key(w), set()).add(fld)
    return {w: next(iter(fs)) for w, fs in seen.items() if len(fs) == 1}


_NAMES = {kind: _name_index(kind) for kind in fields.KINDS}


def field_for_name(kind: str, name: str) -> str | None:
    """The field a mapping key means: itself when it is one, else the field whose word it
    is (`priority` -> priority_raw, `Company` -> client); None when it names none."""
    if name in fields.FIELDS[kind]:
        return name
    return _NAMES.get(kind, {}).get(key(name))
