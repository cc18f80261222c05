#!/usr/bin/env python3
"""Generate Cadence's sample data: one year of "Northwind Managed IT".

Northwind runs three PSAs (HaloPSA for the main service desk, Datto Autotask for the
acquired "Harbor IT", ConnectWise PSA for the Projects team). This script writes the
exports each of them would produce, plus Cadence's own technicians.csv. The story the
data tells is described in sample_data/README.md.

The output is deterministic: a fixed seed, a fixed end date (nothing depends on today's
date or the wall clock), and a reproducible .xlsx. Running it twice gives byte-identical
files.

    python sample_data/generate.py                      # rewrites the committed files
    python sample_data/generate.py --tickets 200000 --entries-per-ticket 5 --out /tmp/big

Conventions used throughout:
  * Times are naive local times (America/New_York) at minute resolution, held as numpy
    datetime64[m]. ConnectWise files are written in UTC with a "Z", as its API does.
  * Work happens in business time: 08:00-17:00 Mon-Fri, minus public holidays. Durations
    (response, resolution, when time is logged) are drawn in business minutes and mapped
    back to the calendar, so nothing is "resolved" at 3 am on a Sunday.
  * SLA due times use the same business hours but no holidays, which is what Cadence's
    default settings ([sla] clock = "business", holidays_country = "") compute, so due
    times written in the exports and due times Cadence derives itself agree.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# =========================================================================================
# Constants
# =========================================================================================

SEED = 20261122

START_DAY = np.datetime64("2025-11-24", "D")  # Monday: first day of data
END_DAY = np.datetime64("2026-11-23", "D")  # Monday 00:00 right after the last day (2026-11-22)
N_DAYS = int((END_DAY - START_DAY).astype(int))  # 364 days = 52 weeks
END = END_DAY.astype("datetime64[m]")  # the exports were run after this instant; nothing later exists
EXPORT_STAMP = dt.datetime(2026, 11, 23, 6, 0)  # "Generated 11/23/2026 6:00 AM"
LOCAL_TZ = "America/New_York"  # Northwind's office; ConnectWise exports UTC

DEFAULT_TICKETS = 15_000
DEFAULT_ENTRIES_PER_TICKET = 1.75
# Tickets per PSA at the default size (scaled proportionally by --tickets).
VENDOR_TICKETS = {"halo": 11_700, "autotask": 2_500, "connectwise": 800}
OUTAGE_TICKETS = 260  # extra Halo tickets raised during the September network outage
# Time entries per worked ticket, relative to each other: project tasks take several
# sittings, service desk tickets one or two. Normalised so that the average over all
# worked tickets is --entries-per-ticket.
ENTRY_FACTOR = {"halo": 0.80, "autotask": 0.86, "connectwise": 2.0}
SURVEY_RATE = 0.20  # share of done tickets that get a CSAT survey back
OUTAGE_SURVEY_RATE = 0.32  # angry customers answer surveys more often

# --- calendar -------------------------------------------------------------------------
DAY_START_MIN = 8 * 60  # business day 08:00-17:00
DAY_MINUTES = 9 * 60
CLOCK_EPOCH = np.datetime64("2024-01-01", "D")  # a Monday well before the data
HOLIDAYS = np.array(  # US public holidays Northwind observes: almost no tickets, no work
    ["2025-11-27", "2025-12-25", "2026-01-01", "2026-05-25", "2026-07-03", "2026-09-07"],
    dtype="datetime64[D]",
)
QUIET_DAYS = np.array(  # bridge days: the office is half empty, so are the queues
    ["2025-11-28", "2025-12-24", "2025-12-26", "2025-12-31", "2026-01-02"],
    dtype="datetime64[D]",
)
WEEKDAY_WEIGHT = np.array([1.28, 1.06, 1.0, 0.96, 0.86, 0.11, 0.07])  # Mon..Sun: Monday peak
HOLIDAY_WEIGHT = 0.09
ANNUAL_GROWTH = 0.08  # the client base grows a little over the year
# Hour-of-day profiles for ticket creation (sum to 1): business hours on workdays,
# a flatter spread at weekends and on holidays.
WORKDAY_HOURS = np.array(
    [0.002, 0.001, 0.001, 0.001, 0.002, 0.004, 0.010, 0.035, 0.100, 0.128, 0.120, 0.100,
     0.072, 0.098, 0.096, 0.088, 0.070, 0.035, 0.014, 0.008, 0.006, 0.004, 0.003, 0.002]
)
OFF_DAY_HOURS = np.array(
    [0.010, 0.008, 0.006, 0.006, 0.008, 0.012, 0.022, 0.040, 0.065, 0.080, 0.085, 0.080,
     0.070, 0.070, 0.068, 0.064, 0.060, 0.055, 0.050, 0.045, 0.038, 0.025, 0.018, 0.015]
)

# --- SLA targets (business minutes), index = priority 1..5 ------------------------------
# P5 (planning) has a resolution target only: Northwind's weekly internal tickets use it.
RESPONSE_TARGET = np.array([0, 60, 120, 240, 480])
RESOLUTION_TARGET = np.array([0, 240, 480, 1440, 4320, 14400])

# --- resolution behaviour (fractions of the priority's resolution target) ---------------
USUAL_MEDIAN = 0.30  # a typical ticket is fixed in under a third of its target
SLOW_SHARE = 0.08  # ...but some overshoot it
SLOW_OVERSHOOT = 1.4  # by up to 40%, so normally nothing lingers long past due

# --- stories ----------------------------------------------------------------------------
RAMP_START = np.datetime64("2026-09-14", "D")  # Infrastructure starts falling behind (10 weeks)
# How far Infrastructure has slipped by the end (linear from RAMP_START): more demand,
# slower fixes, more overshoots, and some tickets that stall with no end in sight.
INFRA_DEMAND_GROWTH = 0.25
INFRA_SLOWDOWN = 1.2
INFRA_EXTRA_SLOW_SHARE = 0.30
INFRA_EXTRA_OVERSHOOT = 3.0
INFRA_STALL_SHARE = 0.04
ROUGH_WEEK_SLOWDOWN = 2.0  # outage week: everything else waits too
ROUGH_WEEK_EXTRA_SLOW_SHARE = 0.30
OUTAGE_START = np.datetime64("2026-09-15T08:40", "m")  # SD-WAN concentrator fails
OUTAGE_FIXED = np.datetime64("2026-09-17T15:00", "m")  # replacement hardware live
ROUGH_WEEK = np.datetime64("2026-09-14", "D")  # every queue is slow this week
BAD_CSAT_FROM = np.datetime64("2026-09-14", "D")  # responses in these two weeks are sour
BAD_CSAT_TO = np.datetime64("2026-09-28", "D")
NEW_CLIENT_DAYS = 56  # a new client's first 8 weeks...
NEW_CLIENT_ONBOARDING = 5.0  # ...bring five times their usual onboarding tickets

# --- teams ------------------------------------------------------------------------------
HALO_TEAMS = ["Service Desk", "Infrastructure", "Security", "Onboarding"]
HALO_TEAM_SHARE = np.array([0.58, 0.17, 0.11, 0.14])
AUTOTASK_QUEUE = "Harbor Service Desk"
CW_TEAM = "Projects"

# Technicians: name, team, fully loaded hourly cost, weekly capacity, target share of
# capacity spent on logged work over the year, weight when tickets are assigned.
TECHNICIANS = [
    ("Emily Carter", "Service Desk", 42, 40, 0.82, 1.0),
    ("Jordan Hayes", "Service Desk", 40, 40, 0.80, 1.0),
    ("Mia Patel", "Service Desk", 44, 40, 0.84, 1.05),
    ("Chris Donnelly", "Service Desk", 39, 40, 0.78, 0.95),
    ("Tyler Brooks", "Service Desk", 38, 40, 0.77, 0.95),
    ("Hannah Schultz", "Service Desk", 41, 32, 0.80, 0.8),
    ("Sofia Martins", "Infrastructure", 62, 40, 0.86, 1.0),
    ("Ravi Shah", "Infrastructure", 58, 40, 0.85, 1.0),
    ("Grace Whitfield", "Infrastructure", 55, 40, 0.85, 1.0),
    ("Liam O'Connor", "Infrastructure", 52, 40, 0.83, 1.0),
    ("Nadia Haddad", "Security", 66, 40, 0.80, 1.0),
    ("Ben Turner", "Security", 58, 40, 0.78, 1.0),
    ("Chloe Nguyen", "Onboarding", 43, 40, 0.80, 1.0),
    ("Sam Ortega", "Onboarding", 40, 40, 0.77, 1.0),
    ("Marcus Bell", "Projects", 68, 40, 1.20, 1.0),  # the over-stretched project lead
    ("Aisha Karimi", "Projects", 64, 40, 0.82, 1.0),
    ("Owen Fletcher", "Projects", 60, 40, 0.42, 1.0),  # joined without a project pipeline
    ("José Álvarez", AUTOTASK_QUEUE, 46, 40, 0.83, 1.1),
    ("Kayla Simmons", AUTOTASK_QUEUE, 41, 32, 0.79, 0.8),
    ("Derek Vaughn", AUTOTASK_QUEUE, 44, 40, 0.81, 1.0),
]
# Who else logs time on a team's tickets besides the assignee (name: weight). José from
# Harbor picks up Halo service-desk overflow; Sofia (Infrastructure) does project work.
HALO_HELPERS = {"Service Desk": {"José Álvarez": 0.35}}
# ConnectWise ticket owners: fixed-fee (agreement-covered) vs time-and-materials projects.
CW_OWNERS_COVERED = {"Aisha Karimi": 0.55, "Owen Fletcher": 0.25, "Sofia Martins": 0.20}
CW_OWNERS_TM = {"Marcus Bell": 0.70, "Aisha Karimi": 0.20, "Owen Fletcher": 0.10}
ASSIGNEE_SHARE_OF_ENTRIES = 0.8  # the rest goes to a teammate
CALIBRATION_DAYS = 7  # logged hours are matched to each technician's target every week...
CALIBRATION_JITTER = 0.03  # ...give or take a few percent (its own random stream)
INFRA_STRETCH = 0.15  # Infrastructure logs up to 15% more hours as its backlog grows

# --- clients ----------------------------------------------------------------------------
# Plan -> (agreement type, hard cost per seat per month). Managed plans are priced per
# seat; block-hour plans at a flat monthly fee; time & materials has no recurring fee.
PLANS = {
    "Essentials": ("managed", 24.0),
    "Complete": ("managed", 30.0),
    "Premium": ("managed", 36.0),
    "Harbor Care": ("managed", 27.0),
    "Block Hours": ("block", 0.0),
    "Time & Materials": ("tm", 0.0),
}
# name, PSA, seats, plan, price (per seat, or flat for block), billing cycle,
# agreement start, agreement end (None = open), ticket effort (tickets per seat vs the
# norm), hours effort (hours per ticket vs the norm), block hours per month.
CLIENTS = [
    ("Bayside Dental", "halo", 14, "Essentials", 95, "Monthly", "2024-02-01", None, 3.2, 1.35, 0),
    ("Cedar Ridge Law", "halo", 45, "Complete", 135, "Monthly", "2022-07-01", None, 1.0, 1.0, 0),
    ("Summit Orthopedics", "halo", 110, "Premium", 155, "Monthly", "2023-04-01", "2026-03-31", 0.9, 1.0, 0),
    ("Lakeshore Realty", "halo", 38, "Complete", 130, "Quarterly", "2023-01-01", None, 1.0, 1.0, 0),
    ("Pinecrest Accounting", "halo", 28, "Complete", 140, "Annual", "2024-01-01", None, 1.1, 1.0, 0),
    ("Greenfield Logistics", "halo", 85, "Complete", 128, "Monthly", "2021-10-01", None, 1.0, 1.0, 0),
    ("Maple Street Veterinary", "halo", 18, "Essentials", 105, "Monthly", "2024-06-01", None, 1.0, 1.0, 0),
    ("Riverbend Insurance Agency", "halo", 32, "Complete", 138, "Monthly", "2022-03-01", None, 0.9, 1.0, 0),
    ("Oakmont Construction", "halo", 60, "Block Hours", 5200, "Monthly", "2023-09-01", None, 0.5, 1.1, 40),
    ("Silverline Architects", "halo", 24, "Complete", 132, "Quarterly", "2023-05-01", None, 1.0, 1.0, 0),
    ("Brightwater Financial", "halo", 75, "Premium", 160, "Monthly", "2021-01-01", None, 1.0, 0.9, 0),
    ("Northgate Manufacturing", "halo", 140, "Complete", 118, "Monthly", "2020-11-01", None, 0.9, 1.0, 0),
    ("Keystone Property Management", "halo", 40, "Essentials", 100, "Monthly", "2024-03-01", None, 1.0, 1.0, 0),
    ("Blue Heron Hotel Group", "halo", 95, "Complete", 120, "Monthly", "2022-05-01", None, 1.1, 1.0, 0),
    ("Redwood Family Practice", "halo", 30, "Premium", 150, "Monthly", "2023-02-01", None, 1.0, 1.0, 0),
    ("Ironbridge Engineering", "halo", 55, "Complete", 135, "Monthly", "2026-03-01", None, 1.0, 1.0, 0),
    ("Clearview Optometry", "halo", 16, "Time & Materials", 0, "Monthly", "2024-08-01", None, 0.6, 1.0, 0),
    ("Sterling, Pike & Associates", "halo", 22, "Premium", 158, "Annual", "2022-01-01", None, 1.0, 1.0, 0),
    ("Coastal Freight Partners", "halo", 48, "Block Hours", 3900, "Monthly", "2023-11-01", None, 0.5, 1.0, 30),
    ("Meadowbrook Senior Living", "halo", 70, "Complete", 125, "Monthly", "2022-09-01", None, 1.0, 1.0, 0),
    ("Granite Peak Credit Union", "halo", 90, "Premium", 165, "Monthly", "2021-06-01", None, 0.9, 1.0, 0),
    ("Elmwood Pediatrics", "halo", 26, "Complete", 138, "Quarterly", "2023-07-01", None, 1.0, 1.0, 0),
    ("Crescent Marketing Group", "halo", 20, "Time & Materials", 0, "Monthly", "2025-01-01", None, 0.6, 1.0, 0),
    ("Foxglove Florists", "halo", 8, "Essentials", 95, "Monthly", "2024-05-01", "2026-06-30", 1.0, 1.0, 0),
    ("Trident Marine Supply", "halo", 35, "Block Hours", 2600, "Quarterly", "2024-02-01", None, 0.5, 1.0, 20),
    ("Prairie Wind Energy", "halo", 65, "Complete", 130, "Monthly", "2022-11-01", None, 1.0, 1.0, 0),
    ("Hillcrest Dental Studio", "halo", 15, "Essentials", 110, "Monthly", "2024-04-01", None, 1.0, 1.0, 0),
    ("Westbrook Auto Group", "halo", 80, "Complete", 122, "Monthly", "2023-03-01", None, 1.0, 1.0, 0),
    ("Juniper Community Alliance", "halo", 25, "Essentials", 85, "Annual", "2024-09-01", None, 0.9, 1.0, 0),
    ("Copperfield Brewing Co.", "halo", 30, "Time & Materials", 0, "Monthly", "2023-06-01", None, 0.6, 1.0, 0),
    ("O'Neill & Sons Plumbing", "halo", 12, "Time & Materials", 0, "Monthly", "2024-10-01", None, 0.6, 1.0, 0),
    ("Evergreen Home Health", "halo", 50, "Complete", 128, "Monthly", "2023-08-01", None, 1.0, 1.0, 0),
    # Harbor IT's clients, still worked in Autotask; billing is consolidated in Halo.
    ("Anchor Point Marina", "autotask", 26, "Harbor Care", 115, "Monthly", "2022-04-01", None, 1.0, 1.0, 0),
    ("Tidewater Title Company", "autotask", 22, "Harbor Care", 120, "Monthly", "2021-09-01", None, 1.0, 1.0, 0),
    ("Beacon Hill Pharmacy", "autotask", 14, "Harbor Care", 110, "Monthly", "2023-01-01", None, 1.0, 1.0, 0),
    ("Saltmarsh Seafood Co.", "autotask", 35, "Block Hours", 2600, "Monthly", "2022-10-01", None, 0.5, 1.0, 20),
    ("Lighthouse Christian Academy", "autotask", 80, "Harbor Care", 90, "Annual", "2021-08-01", None, 1.0, 1.0, 0),
    ("Driftwood Home Builders", "autotask", 25, "Time & Materials", 0, "Monthly", "2023-03-01", None, 0.6, 1.0, 0),
    ("Marlin Bay Chiropractic", "autotask", 12, "Harbor Care", 115, "Monthly", "2024-01-01", None, 1.0, 1.0, 0),
    ("Port City Staffing", "autotask", 55, "Harbor Care", 118, "Quarterly", "2022-06-01", None, 1.0, 1.0, 0),
]
# Further Halo contracts: renewals at a new price and add-ons.
# client, contract name, plan, monthly price, monthly cost, cycle, start, end
EXTRA_CONTRACTS = [
    ("Summit Orthopedics", "Managed IT - Premium (renewal)", "Premium", 110 * 165, 110 * 36.0,
     "Monthly", "2026-04-01", None),
    ("Granite Peak Credit Union", "Backup & Disaster Recovery", "Premium", 1200, 450.0,
     "Monthly", "2024-01-01", None),
    ("Northgate Manufacturing", "Server Monitoring Add-on", "Complete", 800, 150.0,
     "Monthly", "2025-03-01", None),
    ("Brightwater Financial", "Compliance Monitoring (SOC)", "Premium", 1500, 600.0,
     "Quarterly", "2025-06-01", None),
    # signed mid-month: September counts 15 of its 30 days, $1,500 of the $3,000
    ("Granite Peak Credit Union", "Security Operations Add-on", "Premium", 3000, 900.0,
     "Monthly", "2026-09-16", None),
]
# ConnectWise project agreements: fixed-fee work, so time against them is not billed.
# id, name, type, company, start, end, amount per cycle, cycle, hard cost per cycle.
# Their limit (applicationUnits/Limit/Cycle) is the fee (Amount), except the hours bank:
# 20 hours a quarter (applicationUnits Hours), so 6.67 included hours a month.
CW_AGREEMENTS = [
    (3101, "Windows 11 Rollout", "Project", "Summit Orthopedics", "2025-12-01", "2026-03-31", 4800, "Monthly", 350),
    (3102, "Microsoft 365 Migration", "Project", "Lakeshore Realty", "2026-01-05", "2026-04-30", 5200, "Monthly", 600),
    (3103, "Network Refresh", "Project", "Ironbridge Engineering", "2026-03-01", "2026-08-31", 7500, "Monthly", 2100),
    (3104, "Server Virtualisation", "Project", "Granite Peak Credit Union", "2026-04-01", "2026-12-31", 21000, "Quarterly", 4500),
    (3105, "Cloud Backup Deployment", "Project", "Anchor Point Marina", "2026-06-01", "2026-08-31", 3600, "Monthly", 400),
    (3106, "Firewall Replacement", "Project", "Westbrook Auto Group", "2026-09-01", "2026-11-30", 4200, "Monthly", 1500),
    (3107, "Compliance Remediation", "Project", "Brightwater Financial", "2026-01-01", "2026-12-31", 30000, "Annual", 4000),
    (3108, "Project Hours Bank - 20 hrs/quarter", "Block Time", "Coastal Freight Partners", "2026-02-01", None, 3000, "Quarterly", 0),
]
CW_HOURS_BANK = {3108: (20.0, "CalendarQuarter")}  # agreement id -> hours, applicationCycle
MONTHS_PER_CYCLE = {"Monthly": 1, "Quarterly": 3, "Annual": 12}

# --- work mix ---------------------------------------------------------------------------
# Priority mix per team (P1..P4).
PRIORITY_MIX = {
    "Service Desk": [0.01, 0.08, 0.73, 0.18],
    "Infrastructure": [0.04, 0.16, 0.65, 0.15],
    "Security": [0.04, 0.22, 0.62, 0.12],
    "Onboarding": [0.00, 0.04, 0.66, 0.30],
    AUTOTASK_QUEUE: [0.02, 0.12, 0.66, 0.20],
    CW_TEAM: [0.01, 0.07, 0.30, 0.62],  # project tasks are mostly scheduled work
}
CATEGORY_MIX = {
    "Service Desk": {"Password Reset": 0.20, "Email": 0.22, "Printer": 0.10, "Software": 0.20,
                     "Hardware": 0.14, "Network": 0.08, "Security Alert": 0.03, "New User": 0.03},
    "Infrastructure": {"Server": 0.30, "Network": 0.30, "Backup": 0.22, "Hardware": 0.10, "Email": 0.08},
    "Security": {"Security Alert": 0.55, "Email": 0.20, "Software": 0.15, "Network": 0.10},
    "Onboarding": {"New User": 0.55, "Leaver": 0.20, "Hardware": 0.15, "Software": 0.10},
}
# Relative hours per time entry by category (hours are calibrated per technician later).
CATEGORY_HOURS = {"Password Reset": 0.4, "Email": 0.8, "Printer": 0.8, "Software": 0.9,
                  "Hardware": 1.1, "Network": 1.2, "Security Alert": 1.0, "New User": 1.4,
                  "Leaver": 0.9, "Server": 1.4, "Backup": 1.0}
SUMMARIES = {
    "Password Reset": ["Password reset request", "Account locked out", "MFA prompt not arriving",
                       "Reset password for new phone", "Locked out of Windows login",
                       "Cannot sign in to Microsoft 365"],
    "Email": ["Outlook not syncing", "Cannot send email to external recipients", "Shared mailbox access",
              "Email stuck in outbox", "Calendar invites not received", "Mailbox full warning",
              "Distribution list update", "Outlook keeps asking for password"],
    "Printer": ["Printer offline", "Scan to email not working", "Paper jam error that will not clear",
                "Add printer for new office", "Label printer printing blank", "Toner low alert"],
    "Software": ["Install Adobe Acrobat", "Teams crashing on launch", "Line-of-business app error",
                 "QuickBooks will not open company file", "Update request for Chrome",
                 "Excel add-in missing", "License assignment for Visio", "OneDrive not syncing"],
    "Hardware": ["Laptop will not power on", "Replace failing hard drive", "Second monitor not detected",
                 "Docking station issues", "Keyboard and mouse replacement", "Laptop battery swelling",
                 "New workstation setup"],
    "Network": ["Wi-Fi dropping in conference room", "VPN will not connect", "Slow internet at branch office",
                "Switch port down", "Firewall rule change request", "DNS resolution failures",
                "Guest Wi-Fi password change"],
    "Security Alert": ["EDR alert: suspicious PowerShell", "Phishing email reported", "Impossible travel sign-in",
                       "Malware quarantined on workstation", "Brute-force attempts on firewall",
                       "Suspicious inbox rule detected", "Defender alert on server"],
    "New User": ["New starter: account and laptop", "New user setup", "Onboard new hire (Monday start)",
                 "Create accounts for seasonal staff", "New user mailbox and Teams"],
    "Leaver": ["Leaver: disable account and archive mailbox", "Offboard departing employee",
               "Remove access for contractor"],
    "Server": ["Server disk space critical", "Windows updates failed on server", "File server slow",
               "Hyper-V host high memory", "Domain controller replication error", "SQL service stopped",
               "Server reboot required after patching"],
    "Backup": ["Backup job failed", "Restore deleted folder", "Backup verification failed",
               "Offsite replication behind", "Restore email from backup"],
}
OUTAGE_SUMMARIES = ["Internet down at main office", "All users offline - site down", "VPN down for all staff",
                    "Cannot reach file server", "Phones dropping calls", "Cloud apps unreachable",
                    "Outage: no connectivity since this morning", "Branch office lost connection"]

# Autotask issue / sub-issue types and their share of Harbor's tickets.
AUTOTASK_ISSUES = {
    "User Access": (0.18, ["Password Reset", "Account Lockout", "Permissions"], 0.5),
    "Email": (0.18, ["Outlook", "Shared Mailbox", "Spam Filtering"], 0.8),
    "Software": (0.17, ["Installation", "Application Error", "Licensing"], 0.9),
    "Hardware": (0.14, ["Workstation", "Laptop", "Peripherals"], 1.1),
    "Printing": (0.10, ["Printer Offline", "Scanning"], 0.8),
    "Network": (0.12, ["Internet Connectivity", "Wi-Fi", "VPN"], 1.2),
    "Security": (0.06, ["Phishing", "Antivirus Alert"], 1.0),
    "Backup": (0.05, ["Backup Failure", "Restore Request"], 1.0),
}
AUTOTASK_TITLES = {
    "Password Reset": ["Password reset", "Forgot password"], "Account Lockout": ["User locked out of PC"],
    "Permissions": ["Need access to shared drive", "Folder permissions change"],
    "Outlook": ["Outlook not responding", "Emails not arriving"], "Shared Mailbox": ["Add user to shared mailbox"],
    "Spam Filtering": ["Legitimate email in quarantine", "Too much spam"],
    "Installation": ["Install software for new hire", "Install printer driver"],
    "Application Error": ["Accounting software error", "Application crashes on save"],
    "Licensing": ["Office license expired message"], "Workstation": ["PC running slow", "PC will not boot"],
    "Laptop": ["Laptop screen flickering", "Laptop overheating"], "Peripherals": ["Headset not working", "Monitor flickering"],
    "Printer Offline": ["Front desk printer offline"], "Scanning": ["Scanner not sending to folder"],
    "Internet Connectivity": ["Internet slow", "Internet outage"], "Wi-Fi": ["Wi-Fi not connecting"],
    "VPN": ["VPN disconnects"], "Phishing": ["Suspicious email received"], "Antivirus Alert": ["Antivirus threat detected"],
    "Backup Failure": ["Nightly backup failed"], "Restore Request": ["Restore overwritten file"],
}
AUTOTASK_WORK_TYPES = {"Remote Support": 0.78, "Onsite Support": 0.17, "Travel Time": 0.05}
AUTOTASK_RATE = 135.0

# ConnectWise project work.
# type -> (share, sub-types); summaries are chosen per sub-type ({n}: batch/phase number).
CW_TYPES = {
    "Project Task": (0.55, ["Workstation Rollout", "Microsoft 365", "Server", "Documentation"]),
    "Migration": (0.25, ["Email Migration", "File Server to SharePoint", "Server Migration"]),
    "Deployment": (0.20, ["Firewall", "Wi-Fi", "Backup Appliance", "Endpoint Security"]),
}
CW_SUMMARIES = {
    "Workstation Rollout": ["Build and image workstations - batch {n}", "Pilot group rollout {n}",
                            "Deploy new laptops - wave {n}"],
    "Microsoft 365": ["Configure Intune policies - phase {n}", "Conditional access rollout - phase {n}",
                      "Teams telephony setup"],
    "Server": ["Decommission old server - step {n}", "Build new host - step {n}", "Patch and harden new servers"],
    "Documentation": ["Update network documentation", "Project kickoff and planning", "User training session {n}"],
    "Email Migration": ["Migrate mailboxes - batch {n}", "Cut over DNS and MX records"],
    "File Server to SharePoint": ["Move department shares to SharePoint - wave {n}", "Post-migration clean-up {n}"],
    "Server Migration": ["Migrate line-of-business app to new server", "Move file shares to new server - wave {n}"],
    "Firewall": ["Deploy firewall at main site", "Configure site-to-site VPN", "Firewall cutover - site {n}"],
    "Wi-Fi": ["Install access points - floor {n}", "Wireless survey and tuning"],
    "Backup Appliance": ["Deploy backup appliance", "Seed offsite backups - batch {n}"],
    "Endpoint Security": ["Roll out EDR agents - group {n}", "Remove legacy antivirus - group {n}"],
}
CW_PRIORITIES = ["", "Priority 1 - Emergency Response", "Priority 2 - Quick Response",
                 "Priority 3 - Normal Response", "Priority 4 - Schedule Maintenance"]
CW_SOURCES = {"Internal": 0.55, "Email": 0.25, "Portal": 0.12, "Phone": 0.08}
CW_WORK_TYPES = {"Project Labor": 0.75, "Remote Support": 0.15, "Onsite Service": 0.10}
CW_RATE = 165.0
CW_FIXED_FEE_PULL = 14.0  # a client with a running fixed-fee project raises this many times more tasks

# Halo billing.
HALO_RATE = {"Service Desk": 125, "Infrastructure": 150, "Security": 150, "Onboarding": 125}
# Share of time entries that are billable, by agreement type. Managed work is covered by
# the agreement except out-of-scope jobs (new starters, hardware installs); block-hour
# work is drawn from the prepaid block; time & materials is billed.
MANAGED_BILLABLE = {"New User": 0.35, "Hardware": 0.25, "Server": 0.12}
MANAGED_BILLABLE_OTHER = 0.05
BLOCK_BILLABLE = 0.15  # hours beyond the prepaid block are billed
TM_BILLABLE = 0.95  # time & materials: all billed, bar the odd goodwill fix
AUTOTASK_MANAGED_BILLABLE = 0.08  # Harbor's out-of-scope work on managed clients
ALL_INCLUSIVE = ["Bayside Dental"]  # negotiated "everything included": nothing is ever billed

# CSAT score distributions (P of 1..5).
SCORES_NORMAL = [0.02, 0.02, 0.06, 0.22, 0.68]
SCORES_BREACHED = [0.10, 0.10, 0.18, 0.27, 0.35]
SCORES_ROUGH_WEEKS = [0.17, 0.17, 0.21, 0.22, 0.23]
SCORES_OUTAGE = [0.34, 0.26, 0.16, 0.14, 0.10]
COMMENTS_NEGATIVE = [
    "Took three days to fix my email.", "Nobody called me back.", "Had to chase this twice.",
    "Problem came back the next day.", "Very slow response.", "Still not fully working.",
    "Technician closed the ticket without checking with me.", "We lost half a day of work over this.",
]
COMMENTS_OUTAGE = [
    "Whole office was offline for two days.", "Nobody told us what was going on with the network.",
    "We had to send staff home during the outage.", "Phones and internet down, no updates from you.",
    "Outage handled poorly, we expect better communication.", "Lost a full day of appointments.",
]
COMMENTS_NEUTRAL = ["Fixed eventually.", "OK.", "Took a while but resolved.", "Fine.", ""]
COMMENTS_POSITIVE = ["Quick and friendly, thanks!", "Great service as always.", "Fixed in minutes.",
                     "Very helpful, explained everything.", "Thank you!", "Excellent, thanks for the fast fix."]
COMMENT_RATE = {1: 0.75, 2: 0.65, 3: 0.30, 4: 0.15, 5: 0.22}

# --- what SPEC v2 reads besides: drawn from a random stream of their own, after everything
# above, so that every number drawn before them (and the stories told with them) stays as
# it was. -----------------------------------------------------------------------------
EXTRA_SEED = SEED + 1
# Open tickets that are not waiting on the customer: some wait on a vendor, some are on hold
# (the PSA pauses their SLA clock, so they are not aged past SLA).
WAITING_VENDOR = {"halo": ("Waiting on Vendor", 0.10), "autotask": ("Waiting Vendor", 0.12),
                  "connectwise": ("Waiting Customer", 0.15)}
ON_HOLD = {"halo": ("On Hold", 0.06)}
# Reopens (HaloPSA: a ticket report's reopen_count column, counted from the audit log): a
# fix that does not hold. Printer fixes at the Service Desk reopen four times as often
# (the driver or toner workaround comes back); Infrastructure's rushed fixes reopen more as
# it falls behind; outage tickets when the line dropped again after the fix.
REOPEN_SHARE = 0.03
REOPEN_PRINTER = 0.12
REOPEN_INFRA_RAMP = 1.5  # x (1 + 1.5 x ramp): up to 2.5 times the usual share by the end
REOPEN_OUTAGE = 0.10
REOPEN_TWICE = 0.20  # of the reopened tickets
# Escalations (HaloPSA `reassigncount`): passed on to another team or a senior technician.
ESCALATION_SHARE = {"Service Desk": 0.10, "Infrastructure": 0.07, "Security": 0.09,
                    "Onboarding": 0.03}
ESCALATION_URGENT = 0.10  # P1/P2 tickets are passed on more often
ESCALATION_OUTAGE = 0.35
# Internal time: every technician logs non-client work (client: Northwind itself) in the PSA
# they work in: a one-hour team meeting each Tuesday and a few entries of training,
# documentation and admin. HaloPSA's teams log it on one internal ticket per team and week
# (priority 5, opened on the week's first working day, closed on its last); Harbor's
# technicians as Autotask time with no ticket; the Projects team as ConnectWise time
# charged to Northwind's own company.
INTERNAL_CLIENT = "Northwind Managed IT"
INTERNAL_MEETING_HOURS = 1.0
INTERNAL_OTHER_ENTRIES = 2.0  # a week, for a 40-hour week (Poisson)
INTERNAL_ENTRY_HOURS = {0.5: 0.35, 0.75: 0.3, 1.0: 0.25, 1.5: 0.1}
INTERNAL_WORK_TYPES = {"Training": 0.4, "Documentation": 0.3, "Admin": 0.3}


# =========================================================================================
# Business-time clock
# =========================================================================================

class BusinessClock:
    """Maps calendar minutes to a count of business minutes (08:00-17:00 on business days)
    and back, vectorised. A time outside business hours maps to the next business start;
    an exact day boundary maps back to 17:00 of the earlier day (how a due time reads)."""

    def __init__(self, holidays=()):
        self.holidays = np.asarray(holidays, dtype="datetime64[D]")

    def to_minutes(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t).astype("datetime64[m]")  # pandas hands back datetime64[s]
        day = t.astype("datetime64[D]")
        minute_of_day = (t - day).astype(np.int64)
        before = np.busday_count(CLOCK_EPOCH, day, holidays=self.holidays)
        within = np.clip(minute_of_day - DAY_START_MIN, 0, DAY_MINUTES)
        within = np.where(np.is_busday(day, holidays=self.holidays), within, 0)
        return before * DAY_MINUTES + within

    def from_minutes(self, bm: np.ndarray) -> np.ndarray:
        bm = np.asarray(bm, dtype=np.int64)
        k = (bm - 1) // DAY_MINUTES
        rem = bm - k * DAY_MINUTES
        day = np.busday_offset(CLOCK_EPOCH, k, roll="forward", holidays=self.holidays)
        return day.astype("datetime64[m]") + (DAY_START_MIN + rem).astype("timedelta64[m]")

    def add(self, t: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        return self.from_minutes(self.to_minutes(t) + np.asarray(minutes, dtype=np.int64))


WORK_CLOCK = BusinessClock(HOLIDAYS)  # when people actually work
SLA_CLOCK = BusinessClock()  # how due times are counted (Cadence's default settings)


# =========================================================================================
# Small helpers
# =========================================================================================

def pick(rng, options, probs, n):
    """n draws from options with the given probabilities (as a numpy array)."""
    probs = np.asarray(probs, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=probs / probs.sum())]


def pick_dict(rng, weights: dict, n):
    return pick(rng, list(weights), list(weights.values()), n)


def pick_text(rng, keys: np.ndarray, table: dict) -> np.ndarray:
    """For each key, a random string from table[key] (vectorised per distinct key)."""
    out = np.empty(len(keys), dtype=object)
    for key, texts in table.items():
        mask = keys == key
        if mask.any():
            out[mask] = np.asarray(texts, dtype=object)[rng.integers(0, len(texts), mask.sum())]
    return out


def day_index(t: np.ndarray) -> np.ndarray:
    return (t.astype("datetime64[D]") - START_DAY).astype(np.int64)


def day_weights() -> np.ndarray:
    """Expected relative ticket volume for each day: weekday rhythm, holidays, growth."""
    days = START_DAY + np.arange(N_DAYS)
    dow = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    w = WEEKDAY_WEIGHT[dow].copy()
    w[np.isin(days, HOLIDAYS)] = HOLIDAY_WEIGHT
    w[np.isin(days, QUIET_DAYS)] *= 0.55
    return w * (1 + ANNUAL_GROWTH * np.arange(N_DAYS) / N_DAYS)


def ramp(t: np.ndarray) -> np.ndarray:
    """0 before the Infrastructure slide starts, rising to 1 at the end of the data."""
    span = (END_DAY - RAMP_START).astype(np.int64) * 1440
    t = np.asarray(t).astype("datetime64[m]")
    return np.clip((t - RAMP_START.astype("datetime64[m]")).astype(np.int64) / span, 0, 1)


def sample_times(rng, day_idx: np.ndarray) -> np.ndarray:
    """Creation timestamps on the given days: business hours on workdays, flatter otherwise."""
    days = START_DAY + day_idx
    workday = np.is_busday(days, holidays=HOLIDAYS)
    hour = np.where(workday, rng.choice(24, size=len(days), p=WORKDAY_HOURS / WORKDAY_HOURS.sum()),
                    rng.choice(24, size=len(days), p=OFF_DAY_HOURS / OFF_DAY_HOURS.sum()))
    minute = hour * 60 + rng.integers(0, 60, len(days))
    return days.astype("datetime64[m]") + minute.astype("timedelta64[m]")


def sample_cells(rng, weights: np.ndarray, n: int):
    """n draws of (row, day) cells from a rows x days intensity matrix."""
    flat = weights.ravel() / weights.sum()
    idx = rng.choice(flat.size, size=n, p=flat)
    return idx // weights.shape[1], idx % weights.shape[1]


def pick_rows(rng, weights_by_day: np.ndarray, day_idx: np.ndarray) -> np.ndarray:
    """For each ticket, a column (client) drawn from the weights of its day."""
    cum = np.cumsum(weights_by_day, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(day_idx))
    return (cum[day_idx] < u[:, None]).sum(axis=1)


def lognormal(rng, median, sigma, n):
    return np.exp(rng.normal(np.log(median), sigma, n))


# =========================================================================================
# Clients and agreements
# =========================================================================================

def client_table() -> pd.DataFrame:
    cols = ["name", "psa", "seats", "plan", "price", "cycle", "start", "end", "effort",
            "hours_effort", "block_hours"]
    c = pd.DataFrame(CLIENTS, columns=cols)
    c["kind"] = c["plan"].map(lambda p: PLANS[p][0])
    # Active span: from the first agreement start to the last agreement end (renewals count).
    extra_end = {}
    for client, *_rest, start, end in EXTRA_CONTRACTS:
        extra_end[client] = "9999-12-31" if end is None else max(end, extra_end.get(client, ""))
    c["until"] = [max(e if isinstance(e, str) else "9999-12-31", extra_end.get(n, ""))
                  for n, e in zip(c["name"], c["end"])]
    return c


def active_matrix(clients: pd.DataFrame) -> np.ndarray:
    """days x clients: 1 where the client has an agreement on that day."""
    days = (START_DAY + np.arange(N_DAYS))[:, None]
    start = clients["start"].to_numpy().astype("datetime64[D]")[None, :]
    until = np.minimum(clients["until"].to_numpy().astype("datetime64[D]"), END_DAY)[None, :]
    return ((days >= start) & (days <= until)).astype(float)


def money(x) -> str:
    return f"${x:,.2f}"


def halo_contracts(clients: pd.DataFrame) -> pd.DataFrame:
    """Halo contracts; a block contract's prepaid hours per billing period are in
    `chargehoursperperiod` (a quarterly 20 hrs/month block: 60)."""
    rows = []
    for c in clients.itertuples():
        months = MONTHS_PER_CYCLE[c.cycle]
        hours = None
        if c.kind == "managed":
            monthly, cost = c.seats * c.price, c.seats * PLANS[c.plan][1]
            name = f"Managed IT - {c.plan} ({c.seats} users)"
            ctype = "Managed Services"
        elif c.kind == "block":
            monthly, cost = c.price, 150.0  # RMM and backup tooling
            name = f"Block Hours - {c.block_hours} hrs/month"
            ctype = "Block Hours"
            hours = c.block_hours * months
        else:
            monthly, cost = 0.0, 0.0
            name, ctype = "Time and Materials", "Time & Materials"
        rows.append((c.name, name, ctype, monthly * months, cost * months, c.cycle, c.start, c.end,
                     hours))
    for client, name, plan, monthly, cost, cycle, start, end in EXTRA_CONTRACTS:
        months = MONTHS_PER_CYCLE[cycle]
        rows.append((client, name, "Managed Services", monthly * months, cost * months, cycle, start, end,
                     None))
    df = pd.DataFrame(rows, columns=["client_name", "contract_name", "contract_type", "charge", "cost",
                                     "billingperiod", "start_date", "end_date", "chargehoursperperiod"])
    df = df.sort_values(["start_date", "client_name"], kind="stable").reset_index(drop=True)
    df.insert(0, "ref", [f"CON-{1001 + i}" for i in range(len(df))])
    df["periodchargeamount"] = df.pop("charge").map(money)
    df["costperperiod"] = df.pop("cost").map(money)
    df["end_date"] = df["end_date"].fillna("")
    df["chargehoursperperiod"] = pd.array(df["chargehoursperperiod"], dtype="Int64")
    return df[["ref", "client_name", "contract_name", "contract_type", "periodchargeamount",
               "costperperiod", "billingperiod", "start_date", "end_date", "chargehoursperperiod"]]


def cw_agreements() -> pd.DataFrame:
    df = pd.DataFrame(CW_AGREEMENTS, columns=["id", "name", "type", "company", "startDate", "endDate",
                                              "billAmount", "invoicingCycle", "cost"])
    df["name"] = df["company"] + " - " + df["name"]
    # Plain dates: an agreement runs from day to day, in no particular time zone.
    df["endDate"] = df["endDate"].fillna("")
    df["billAmount"] = df["billAmount"].astype(float)
    df["cost"] = df["cost"].astype(float)
    bank = df["id"].map(CW_HOURS_BANK)
    is_bank = bank.notna()
    df["applicationUnits"] = np.where(is_bank, "Hours", "Amount")
    monthly = df["billAmount"] / df["invoicingCycle"].map(MONTHS_PER_CYCLE)
    df["applicationLimit"] = np.where(is_bank, bank.str[0], monthly.round(2))
    df["applicationCycle"] = np.where(is_bank, bank.str[1], "CalendarMonth")
    df["applicationUnlimitedFlag"] = "false"
    return df


# =========================================================================================
# Ticket lifecycles
# =========================================================================================

def resolution_minutes(rng, target, median_factor, slow_p, slow_hi):
    """Business minutes from creation to resolution. Most tickets land well inside their
    target; a slow minority overshoots it by a bounded amount (so open tickets stay young)."""
    n = len(target)
    usual = np.minimum(lognormal(rng, median_factor * target, 0.7, n), 0.97 * target)
    slow = target * rng.uniform(1.0, slow_hi, n)
    minutes = np.where(rng.random(n) < slow_p, slow, usual)
    return np.maximum(minutes, 5).astype(np.int64)


def response_minutes(rng, priority):
    target = RESPONSE_TARGET[priority]
    minutes = np.clip(lognormal(rng, 0.22 * target, 0.8, len(priority)), 1, 4 * target)
    return minutes.astype(np.int64)


def lifecycle(rng, t: pd.DataFrame, median_factor, slow_p, slow_hi, stall_p) -> pd.DataFrame:
    """Adds first response, resolution (NaT if the ticket stalls) and the SLA due times to
    tickets that have a creation time and a priority."""
    created = t["created"].to_numpy()
    prio = t["priority"].to_numpy()
    start_bm = WORK_CLOCK.to_minutes(created)
    res = resolution_minutes(rng, RESOLUTION_TARGET[prio], median_factor, slow_p, slow_hi)
    resp = np.minimum(response_minutes(rng, prio), res)
    done = WORK_CLOCK.from_minutes(start_bm + res)
    done = np.where(rng.random(len(t)) < stall_p, np.datetime64("NaT"), done)  # stuck, no end in sight
    t["responded"] = WORK_CLOCK.from_minutes(start_bm + resp)
    t["done"] = done
    t["response_due"] = SLA_CLOCK.add(created, RESPONSE_TARGET[prio])
    t["resolution_due"] = SLA_CLOCK.add(created, RESOLUTION_TARGET[prio])
    return t


def settle(t: pd.DataFrame) -> pd.DataFrame:
    """Hide the future: anything after the export moment has not happened yet."""
    for col in ("responded", "done"):
        v = t[col].to_numpy()
        t[col] = np.where(v < END, v, np.datetime64("NaT"))
    t["is_open"] = t["done"].isna()
    t["breached"] = ~t["is_open"] & (t["done"] > t["resolution_due"])
    return t


# =========================================================================================
# HaloPSA tickets
# =========================================================================================

def halo_tickets(rng, clients: pd.DataFrame, n: int, n_outage: int, active: np.ndarray) -> pd.DataFrame:
    halo_mask = (clients["psa"] == "halo").to_numpy()
    base = clients["seats"].to_numpy() * clients["effort"].to_numpy() * halo_mask
    days = day_weights()
    r_days = ramp((START_DAY + np.arange(N_DAYS)).astype("datetime64[m]"))
    team_w = HALO_TEAM_SHARE[:, None] * days[None, :]
    team_w[HALO_TEAMS.index("Infrastructure")] *= 1 + INFRA_DEMAND_GROWTH * r_days
    team_idx, d_idx = sample_cells(rng, team_w, n - n_outage)
    t = pd.DataFrame({"team": np.asarray(HALO_TEAMS, dtype=object)[team_idx],
                      "created": sample_times(rng, d_idx)})
    t["client"] = -1
    t["category"] = ""
    t["priority"] = 0
    t["outage"] = False
    since = ((clients["start"].to_numpy().astype("datetime64[D]") - START_DAY).astype(np.int64))
    for team in HALO_TEAMS:
        m = (t["team"] == team).to_numpy()
        w = active * base[None, :]
        if team == "Onboarding":  # new clients generate a burst of onboarding work
            d = np.arange(N_DAYS)[:, None]
            fresh = (d >= since[None, :]) & (d < since[None, :] + NEW_CLIENT_DAYS)
            w = w * np.where(fresh, NEW_CLIENT_ONBOARDING, 1.0)
        t.loc[m, "client"] = pick_rows(rng, w, day_index(t.loc[m, "created"].to_numpy()))
        t.loc[m, "category"] = pick_dict(rng, CATEGORY_MIX[team], m.sum())
        t.loc[m, "priority"] = rng.choice(4, size=m.sum(), p=PRIORITY_MIX[team]) + 1
    outage_weights = active[day_index(np.array([OUTAGE_START]))[0]] * base
    t = pd.concat([t, outage_tickets(rng, n_outage, outage_weights)], ignore_index=True)
    t["priority"] = t["priority"].astype(np.int64)
    t["client"] = clients["name"].to_numpy()[t["client"].to_numpy(dtype=np.int64)]
    outage_summary = np.asarray(OUTAGE_SUMMARIES, dtype=object)[rng.integers(0, len(OUTAGE_SUMMARIES), len(t))]
    t["summary"] = np.where(t["outage"], outage_summary, pick_text(rng, t["category"].to_numpy(), SUMMARIES))
    t = t.sort_values("created", kind="stable").reset_index(drop=True)
    t["agent"] = assign_agents(rng, t["team"].to_numpy())

    # Lifecycle knobs per ticket: the Infrastructure slide, the rough outage week.
    created = t["created"].to_numpy()
    infra = (t["team"] == "Infrastructure").to_numpy()
    r = np.where(infra, ramp(created), 0.0)
    created_day = created.astype("datetime64[D]")
    rough = (created_day >= ROUGH_WEEK) & (created_day < ROUGH_WEEK + 7)
    median_factor = USUAL_MEDIAN * (1 + INFRA_SLOWDOWN * r) * np.where(rough, ROUGH_WEEK_SLOWDOWN, 1.0)
    slow_p = SLOW_SHARE + INFRA_EXTRA_SLOW_SHARE * r + np.where(rough, ROUGH_WEEK_EXTRA_SLOW_SHARE, 0.0)
    slow_hi = SLOW_OVERSHOOT + INFRA_EXTRA_OVERSHOOT * r
    stall_p = INFRA_STALL_SHARE * r
    t = lifecycle(rng, t, median_factor, slow_p, slow_hi, stall_p)
    # The outage tickets are resolved when the replacement hardware is live, plus follow-up.
    o = t["outage"].to_numpy()
    t.loc[o, "done"] = WORK_CLOCK.add(np.full(o.sum(), OUTAGE_FIXED),
                                      lognormal(rng, 150, 1.0, o.sum()).astype(np.int64))
    # About 1% get cancelled (duplicates, user fixed it themselves) soon after they arrive.
    cancel = (rng.random(len(t)) < 0.01) & ~o
    t["cancelled"] = cancel
    t.loc[cancel, "done"] = WORK_CLOCK.add(t.loc[cancel, "created"].to_numpy(),
                                           rng.integers(5, 600, cancel.sum()))
    t.loc[cancel, "responded"] = np.minimum(t.loc[cancel, "responded"].to_numpy(),
                                            t.loc[cancel, "done"].to_numpy())
    return settle(t)


def outage_tickets(rng, n, weights) -> pd.DataFrame:
    """The SD-WAN concentrator failure of Tuesday 2026-09-15: a flood of P1/P2 tickets from
    most clients over the next day and a half, most of them in the first hours."""
    after = np.minimum(rng.exponential(300, n), 33 * 60).astype(np.int64)  # minutes after onset
    created = OUTAGE_START + after.astype("timedelta64[m]")
    # Nights are quiet even in an outage: reports from after 20:00 arrive next morning.
    day = created.astype("datetime64[D]")
    late = (created - day).astype(np.int64) > 20 * 60
    morning = (day + 1).astype("datetime64[m]") + (7 * 60 + rng.integers(0, 150, n)).astype("timedelta64[m]")
    created = np.where(late, morning, created)
    w = np.asarray(weights, dtype=float)
    return pd.DataFrame({
        "team": pick(rng, ["Infrastructure", "Service Desk"], [0.55, 0.45], n),
        "created": created.astype("datetime64[m]"),
        "client": rng.choice(len(w), size=n, p=w / w.sum()),
        "category": pick(rng, ["Network", "Email", "Server"], [0.75, 0.15, 0.10], n),
        "priority": rng.choice([1, 2], size=n, p=[0.45, 0.55]),
        "outage": True,
    })


def team_members(team: str):
    names = [t[0] for t in TECHNICIANS if t[1] == team]
    weights = np.array([t[5] for t in TECHNICIANS if t[1] == team], dtype=float)
    return names, weights


def assign_agents(rng, teams: np.ndarray) -> np.ndarray:
    out = np.empty(len(teams), dtype=object)
    for team in np.unique(teams):
        names, weights = team_members(team)
        m = teams == team
        out[m] = pick(rng, names, weights, m.sum())
    return out


def halo_status(t: pd.DataFrame, rng) -> np.ndarray:
    status = np.where(t["done"] < END - np.timedelta64(7, "D"), "Closed", "Resolved").astype(object)
    waiting = rng.random(len(t)) < 0.35
    open_status = np.where(t["responded"].isna(), "New",
                           np.where(waiting, "Waiting on Customer", "In Progress"))
    status = np.where(t["is_open"], open_status, status)
    return np.where(t["cancelled"], "Cancelled", status)


def wait_elsewhere(rng, t: pd.DataFrame, psa: str) -> None:
    """Some open tickets that are being worked now wait on a vendor (or, in ConnectWise, the
    customer), or are on hold. Done after the time entries: the work before the wait is
    logged like any other."""
    moving = (t["status"] == "In Progress").to_numpy()
    u = rng.random(len(t))
    status = t["status"].to_numpy().copy()
    vendor_word, vendor_share = WAITING_VENDOR[psa]
    hold_word, hold_share = ON_HOLD.get(psa, ("", 0.0))
    status[moving & (u < vendor_share)] = vendor_word
    status[moving & (u >= vendor_share) & (u < vendor_share + hold_share)] = hold_word
    t["status"] = status


def flow_counts(rng, t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per Halo ticket: how often it was reopened and how often passed on (reassigned)."""
    n = len(t)
    team = t["team"].to_numpy()
    worked = ((~t["is_open"] & ~t["cancelled"]) | (t["is_open"] & t["responded"].notna())).to_numpy()
    outage = t["outage"].to_numpy()
    p_reopen = np.where((team == "Service Desk") & (t["category"].to_numpy() == "Printer"),
                        REOPEN_PRINTER, REOPEN_SHARE)
    infra = team == "Infrastructure"
    p_reopen = np.where(infra, p_reopen * (1 + REOPEN_INFRA_RAMP * ramp(t["created"].to_numpy())), p_reopen)
    p_reopen = np.where(outage, REOPEN_OUTAGE, p_reopen)
    reopened = worked & (rng.random(n) < p_reopen)
    reopens = reopened * (1 + (rng.random(n) < REOPEN_TWICE))
    p_pass = pd.Series(team).map(ESCALATION_SHARE).to_numpy(dtype=float)
    p_pass = p_pass + np.where(t["priority"].to_numpy() <= 2, ESCALATION_URGENT, 0.0)
    p_pass = np.where(outage, ESCALATION_OUTAGE, p_pass)
    passed = rng.random(n) < p_pass
    passes = passed * (1 + (rng.random(n) < 0.25) + (rng.random(n) < 0.05))
    return reopens.astype(np.int64), passes.astype(np.int64)


def internal_work(rng) -> dict:
    """Northwind's own, non-client time, per PSA (see INTERNAL_CLIENT): HaloPSA tickets (one
    per Halo team and week, never open at a week's end) and entries for every technician:
    the Tuesday meeting (or the next working day) and a Poisson number of other entries on
    random working days of the week. Returns {"tickets": ..., "halo"/"autotask"/
    "connectwise": entries}."""
    mondays = START_DAY + 7 * np.arange(N_DAYS // 7)
    first = np.busday_offset(mondays, 0, roll="forward", holidays=HOLIDAYS)
    last = np.busday_offset(mondays + 4, 0, roll="backward", holidays=HOLIDAYS)
    n_weeks = len(mondays)
    leads = {team: team_members(team)[0][0] for team in HALO_TEAMS}
    tickets = pd.DataFrame({
        "team": np.repeat(HALO_TEAMS, n_weeks),
        "week": np.tile(mondays, len(HALO_TEAMS)),
        "created": np.tile(first.astype("datetime64[m]") + np.timedelta64(7 * 60 + 55, "m"),
                           len(HALO_TEAMS)),
        "done": np.tile(last.astype("datetime64[m]") + np.timedelta64(17 * 60, "m"), len(HALO_TEAMS)),
    })
    tickets["agent"] = tickets["team"].map(leads)
    week_of = pd.Series(pd.to_datetime(tickets["week"]))
    tickets["summary"] = ("Internal: " + tickets["team"] + " team meeting, training and admin (week of "
                          + week_of.dt.strftime("%b ") + week_of.dt.day.astype(str) + ")")
    tickets["key"] = tickets["team"] + "/" + tickets["week"].astype(str)

    names = np.array([t[0] for t in TECHNICIANS], dtype=object)
    teams = np.array([t[1] for t in TECHNICIANS], dtype=object)
    weekly = np.array([t[3] for t in TECHNICIANS], dtype=float)
    tech = np.repeat(np.arange(len(names)), n_weeks)
    week = np.tile(np.arange(n_weeks), len(names))
    meeting_day = np.busday_offset(mondays[week] + 1, 0, roll="forward", holidays=HOLIDAYS)
    meeting_day = np.minimum(meeting_day, last[week])
    meetings = pd.DataFrame({"tech": tech, "week": week,
                             "at": meeting_day.astype("datetime64[m]") + np.timedelta64(9 * 60, "m"),
                             "hours": INTERNAL_MEETING_HOURS, "kind": "Internal Meeting"})
    count = rng.poisson(INTERNAL_OTHER_ENTRIES * weekly[tech] / 40)
    o_tech, o_week = np.repeat(tech, count), np.repeat(week, count)
    workdays = np.busday_count(first[o_week], last[o_week] + 1, holidays=HOLIDAYS)
    day = np.busday_offset(first[o_week], np.floor(rng.random(len(o_tech)) * workdays).astype(np.int64),
                           roll="forward", holidays=HOLIDAYS)
    minute = 8 * 60 + 15 * rng.integers(0, 30, len(o_tech))  # 08:00 to 15:15, quarter hours
    other = pd.DataFrame({"tech": o_tech, "week": o_week,
                          "at": day.astype("datetime64[m]") + minute.astype("timedelta64[m]"),
                          "hours": pick_dict(rng, INTERNAL_ENTRY_HOURS, len(o_tech)).astype(float),
                          "kind": pick_dict(rng, INTERNAL_WORK_TYPES, len(o_tech))})
    entries = pd.concat([meetings, other], ignore_index=True)
    entries = entries[entries["at"] < END]
    entries["who"] = names[entries["tech"]]
    entries["key"] = teams[entries["tech"]] + "/" + mondays[entries["week"]].astype(str)
    entries = entries.sort_values(["at", "tech"], kind="stable").reset_index(drop=True)
    team = teams[entries["tech"]]
    psa = np.select([team == AUTOTASK_QUEUE, team == CW_TEAM], ["autotask", "connectwise"], "halo")
    cols = ["key", "who", "at", "hours", "kind"]
    return {"tickets": tickets, **{p: entries.loc[psa == p, cols].reset_index(drop=True)
                                   for p in ("halo", "autotask", "connectwise")}}


# =========================================================================================
# Autotask (Harbor IT) tickets
# =========================================================================================

def autotask_tickets(rng, clients: pd.DataFrame, n: int, active: np.ndarray) -> pd.DataFrame:
    mask = (clients["psa"] == "autotask").to_numpy()
    base = clients["seats"].to_numpy() * clients["effort"].to_numpy() * mask
    _, d_idx = sample_cells(rng, day_weights()[None, :], n)
    created = np.sort(sample_times(rng, d_idx))
    t = pd.DataFrame({"created": created, "team": AUTOTASK_QUEUE})
    t["client"] = clients["name"].to_numpy()[pick_rows(rng, active * base[None, :], day_index(created))]
    issues = list(AUTOTASK_ISSUES)
    t["category"] = pick(rng, issues, [AUTOTASK_ISSUES[i][0] for i in issues], n)
    t["sub_issue"] = pick_text(rng, t["category"].to_numpy(), {k: v[1] for k, v in AUTOTASK_ISSUES.items()})
    t["summary"] = pick_text(rng, t["sub_issue"].to_numpy(), AUTOTASK_TITLES)
    t["priority"] = rng.choice(4, size=n, p=PRIORITY_MIX[AUTOTASK_QUEUE]) + 1
    t["agent"] = assign_agents(rng, t["team"].to_numpy())
    t["outage"] = False
    t["cancelled"] = False
    t = lifecycle(rng, t, USUAL_MEDIAN, SLOW_SHARE, SLOW_OVERSHOOT, 0.0)
    return settle(t)


# =========================================================================================
# ConnectWise (Projects) tickets
# =========================================================================================

def cw_coverage(clients: pd.DataFrame) -> np.ndarray:
    """days x clients: 1 where a fixed-fee project agreement is running."""
    cov = np.zeros((N_DAYS, len(clients)))
    days = START_DAY + np.arange(N_DAYS)
    col = {name: i for i, name in enumerate(clients["name"])}
    for _id, _name, _type, company, start, end, *_ in CW_AGREEMENTS:
        end = np.datetime64(end or "9999-12-31", "D")
        cov[:, col[company]] = np.maximum(cov[:, col[company]],
                                          (days >= np.datetime64(start, "D")) & (days <= end))
    return cov


def cw_tickets(rng, clients: pd.DataFrame, n: int, active: np.ndarray) -> pd.DataFrame:
    # Projects are scheduled work: almost nothing is opened at weekends or on holidays.
    w = day_weights()
    w[w < 0.5] *= 0.2
    _, d_idx = sample_cells(rng, w[None, :], n)
    created = np.sort(sample_times(rng, d_idx))
    cov = cw_coverage(clients)
    d = day_index(created)
    # A running fixed-fee project generates far more tasks than ad-hoc T&M project work,
    # which bigger clients buy more of. All-inclusive clients never buy projects.
    seats = clients["seats"].to_numpy() / clients["seats"].mean()
    seats = np.where(clients["name"].isin(ALL_INCLUSIVE), 0.0, seats)
    client_idx = pick_rows(rng, active * (seats[None, :] + CW_FIXED_FEE_PULL * cov), d)
    t = pd.DataFrame({"created": created, "team": CW_TEAM,
                      "client": clients["name"].to_numpy()[client_idx],
                      "covered": cov[d, client_idx] > 0})
    types = list(CW_TYPES)
    t["category"] = pick(rng, types, [CW_TYPES[k][0] for k in types], n)
    t["sub_type"] = pick_text(rng, t["category"].to_numpy(), {k: v[1] for k, v in CW_TYPES.items()})
    templates = pick_text(rng, t["sub_type"].to_numpy(), CW_SUMMARIES)
    nums = rng.integers(1, 6, n).astype(str)
    t["summary"] = [s.replace("{n}", k) for s, k in zip(templates, nums)]
    t["priority"] = rng.choice(4, size=n, p=PRIORITY_MIX[CW_TEAM]) + 1
    covered = t["covered"].to_numpy()
    t["agent"] = np.where(covered, pick_dict(rng, CW_OWNERS_COVERED, n), pick_dict(rng, CW_OWNERS_TM, n))
    t["source"] = pick_dict(rng, CW_SOURCES, n)
    t["outage"] = False
    t["cancelled"] = False
    t = lifecycle(rng, t, USUAL_MEDIAN, SLOW_SHARE, SLOW_OVERSHOOT, 0.0)
    return settle(t)


# =========================================================================================
# Time entries
# =========================================================================================

def time_entries(rng, t: pd.DataFrame, mean_entries: float, pool_of: np.ndarray, pools: dict,
                 base_hours: np.ndarray) -> pd.DataFrame:
    """Time entries on done and in-progress tickets, placed in business hours between the
    first response and resolution (or the export moment). Hours are raw here and
    calibrated per technician later."""
    in_progress = t["is_open"] & t["responded"].notna() & (t["status_class"] == "in_progress")
    worked = ((~t["is_open"]) & ~t["cancelled"]) | in_progress
    idx = np.flatnonzero(worked.to_numpy())
    lam = np.where(in_progress.to_numpy()[idx], (mean_entries - 1) * 0.5, mean_entries - 1)
    counts = 1 + rng.poisson(np.maximum(lam, 0))
    rows = np.repeat(idx, counts)
    start = WORK_CLOCK.to_minutes(t["responded"].to_numpy()[rows])
    end_t = t["done"].to_numpy()[rows]
    end_t = np.where(np.isnat(end_t), END, end_t)
    end = np.maximum(WORK_CLOCK.to_minutes(end_t), start)
    at = WORK_CLOCK.from_minutes(start + np.floor(rng.random(len(rows)) * (end - start + 1)).astype(np.int64))
    at = np.minimum(at, end_t)  # never after the resolution or the export
    e = pd.DataFrame({"row": rows, "at": at})
    # Mostly the assignee; otherwise someone from the ticket's pool (teammates, helpers).
    tech = t["agent"].to_numpy()[rows].copy()
    pool = pool_of[rows]
    other = rng.random(len(rows)) >= ASSIGNEE_SHARE_OF_ENTRIES
    for key, weights in pools.items():
        m = other & (pool == key)
        tech[m] = pick_dict(rng, weights, m.sum())
    e["tech"] = tech
    e["hours"] = base_hours[rows] * lognormal(rng, 1.0, 0.55, len(rows))
    return e.sort_values(["at", "row"], kind="stable").reset_index(drop=True)


def calibrate_hours(entries: list[pd.DataFrame], max_hours: list[float], volume: float) -> None:
    """Scale hours so that every week each technician logs about their target share of
    capacity (times `volume` when the data set is scaled up), so utilisation tells the same
    story in any window, the report's one week included. Rounded to quarter hours, clipped
    to a sane length per entry."""
    names = [t[0] for t in TECHNICIANS]
    tech_no = {name: i for i, name in enumerate(names)}
    n_blocks = N_DAYS // CALIBRATION_DAYS
    ti = np.concatenate([e["tech"].map(tech_no).to_numpy(dtype=np.int64) for e in entries])
    bi = np.concatenate([np.minimum(day_index(e["at"].to_numpy()) // CALIBRATION_DAYS, n_blocks - 1)
                         for e in entries])
    raw = np.concatenate([e["hours"].to_numpy(dtype=float) for e in entries])
    cap = np.concatenate([np.full(len(e), c) for e, c in zip(entries, max_hours)])

    # Target hours per technician and block: utilisation x capacity x working days.
    block_start = START_DAY + np.arange(n_blocks) * CALIBRATION_DAYS
    workdays = np.busday_count(block_start, block_start + CALIBRATION_DAYS, holidays=HOLIDAYS)
    mid = (block_start + CALIBRATION_DAYS // 2).astype("datetime64[m]")
    util = np.array([t[4] for t in TECHNICIANS])[:, None] * np.ones(n_blocks)
    infra = np.array([t[1] == "Infrastructure" for t in TECHNICIANS])
    util[infra] *= 1 + INFRA_STRETCH * ramp(mid)[None, :]  # the team is stretched as it falls behind
    jitter = np.random.default_rng(SEED + 2).normal(0, CALIBRATION_JITTER, util.shape)
    util = util * np.exp(jitter)  # a real week is a little over or under
    weekly = np.array([t[3] for t in TECHNICIANS], dtype=float)[:, None]
    # Holiday blocks get proportionally fewer hours; the year still sums to util x capacity.
    target = util * weekly * (CALIBRATION_DAYS / 7) * (workdays / workdays.mean())[None, :] * volume

    cell = ti * n_blocks + bi
    scale = np.ones(len(names) * n_blocks)
    for _ in range(6):  # clipping and rounding move totals a little; a few passes settle it
        hours = np.clip(np.round(raw * scale[cell] * 4) / 4, 0.25, cap)
        totals = np.bincount(cell, weights=hours, minlength=scale.size)
        scale = np.where(totals > 0, scale * target.ravel() / np.where(totals > 0, totals, 1), scale)
    offset = 0
    for e in entries:
        e["hours"] = hours[offset:offset + len(e)]
        offset += len(e)


# =========================================================================================
# CSAT
# =========================================================================================

def surveys(rng, t: pd.DataFrame, rough_weeks_apply: bool) -> pd.DataFrame:
    """Survey responses for done tickets, answered within a few days of resolution."""
    done_ok = (~t["is_open"] & ~t["cancelled"]).to_numpy()
    rate = np.where(t["outage"], OUTAGE_SURVEY_RATE, SURVEY_RATE)
    chosen = np.flatnonzero(done_ok & (rng.random(len(t)) < rate))
    delay = np.minimum(rng.exponential(0.8 * 1440, len(chosen)), 4 * 1440).astype(np.int64) + 3
    at = t["done"].to_numpy()[chosen] + delay.astype("timedelta64[m]")
    keep = at < END
    chosen, at = chosen[keep], at[keep]
    n = len(chosen)
    day = at.astype("datetime64[D]")
    rough = rough_weeks_apply & (day >= BAD_CSAT_FROM) & (day < BAD_CSAT_TO)
    outage = t["outage"].to_numpy()[chosen]
    breached = t["breached"].to_numpy()[chosen]
    probs = np.where(outage[:, None], SCORES_OUTAGE,
                     np.where(rough[:, None], SCORES_ROUGH_WEEKS,
                              np.where(breached[:, None], SCORES_BREACHED, SCORES_NORMAL)))
    cum = np.cumsum(probs, axis=1)
    score = 1 + (cum < rng.random(n)[:, None] * cum[:, -1:]).sum(axis=1)
    # Comments: complaints on low scores (outage-specific ones after the outage).
    comment = np.full(n, "", dtype=object)
    says = rng.random(n) < pd.Series(score).map(COMMENT_RATE).to_numpy()
    for s, texts in ((1, COMMENTS_NEGATIVE), (2, COMMENTS_NEGATIVE), (3, COMMENTS_NEUTRAL),
                     (4, COMMENTS_POSITIVE), (5, COMMENTS_POSITIVE)):
        m = says & (score == s)
        comment[m] = np.asarray(texts, dtype=object)[rng.integers(0, len(texts), m.sum())]
    m = says & outage & (score <= 2)
    comment[m] = np.asarray(COMMENTS_OUTAGE, dtype=object)[rng.integers(0, len(COMMENTS_OUTAGE), m.sum())]
    r = pd.DataFrame({"row": chosen, "at": at, "score": score, "comment": comment})
    return r.sort_values(["at", "row"], kind="stable").reset_index(drop=True)


# =========================================================================================
# Formatting and writing
# =========================================================================================

def iso(t, sep=" ") -> pd.Series:
    """'2026-03-04 09:15:00'; empty for missing."""
    s = pd.Series(pd.to_datetime(t)).dt.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    return s.fillna("")


def us_datetime(t) -> pd.Series:
    """'03/04/2026 9:15 AM' as Autotask's CSV exports print it."""
    s = pd.Series(pd.to_datetime(t)).dt.strftime("%m/%d/%Y %I:%M %p")
    return s.str.replace(r" 0(\d):", r" \1:", regex=True).fillna("")


def to_utc_z(t) -> pd.Series:
    """Local naive times -> ConnectWise API style '2026-03-04T14:15:00Z'."""
    idx = pd.DatetimeIndex(pd.to_datetime(t))
    utc = idx.tz_localize(LOCAL_TZ, ambiguous=np.zeros(len(idx), dtype=bool),
                          nonexistent="shift_forward").tz_convert("UTC").tz_localize(None)
    s = iso(utc.to_numpy(), sep="T")
    return s.where(s == "", s + "Z")


def write_csv(df: pd.DataFrame, path: Path, **kw) -> None:
    kw.setdefault("lineterminator", "\n")
    df.to_csv(path, index=False, **kw)


def write_autotask_xlsx(df: pd.DataFrame, path: Path, date_cols: list[str]) -> None:
    """An Autotask report-writer style workbook: title rows above the header, a totals line
    below, a second sheet. Made byte-reproducible by fixing the document timestamps and
    re-packing the zip with fixed entry dates."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "Autotask Report Writer"
    wb.properties.created = wb.properties.modified = EXPORT_STAMP
    ws = wb.create_sheet("Tickets")
    ws.append(["Harbor IT - Ticket Detail Report"])
    ws.append([f"Generated {EXPORT_STAMP:%m/%d/%Y} 6:00 AM"])
    ws.append([])
    ws.append(list(df.columns))
    columns = []
    for col in df.columns:
        if col in date_cols:
            values = df[col].to_numpy().astype("datetime64[s]").astype(object)  # NaT -> None
            columns.append([date_cell(ws, v) for v in values])
        else:
            columns.append([None if v == "" else v for v in df[col].tolist()])
    for row in zip(*columns):
        ws.append(row)
    ws.append([f"Total: {len(df)} tickets"])
    notes = wb.create_sheet("Notes")
    notes.append(["This report lists every ticket in the Harbor Service Desk queue "
                  "created in the last 12 months."])
    notes.append(["Times are shown in the account's local time (Eastern)."])
    buf = io.BytesIO()
    wb.save(buf)
    repack_zip(buf.getvalue(), path)


def date_cell(ws, value):
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "m/d/yyyy h:mm AM/PM"
    return cell


def repack_zip(data: bytes, path: Path) -> None:
    """Rewrite an .xlsx with fixed zip entry dates and core-properties timestamps, since
    openpyxl stamps both with the current time."""
    stamp = EXPORT_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + stamp.encode(), body)
            zi = zipfile.ZipInfo(info.filename, date_time=EXPORT_STAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)


# =========================================================================================
# Assembling the vendors' files
# =========================================================================================

def billable_halo(rng, e: pd.DataFrame, t: pd.DataFrame, kinds: dict) -> np.ndarray:
    kind = t["client"].map(kinds).to_numpy()[e["row"].to_numpy()]
    cat = t["category"].to_numpy()[e["row"].to_numpy()]
    p_managed = pd.Series(cat).map(MANAGED_BILLABLE).fillna(MANAGED_BILLABLE_OTHER).to_numpy()
    p = np.select([kind == "tm", kind == "block"], [TM_BILLABLE, BLOCK_BILLABLE], p_managed)
    p = np.where(np.isin(t["client"].to_numpy()[e["row"].to_numpy()], ALL_INCLUSIVE), 0.0, p)
    return rng.random(len(e)) < p


def build(args) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(SEED)
    scale = args.tickets / DEFAULT_TICKETS
    n_at = round(VENDOR_TICKETS["autotask"] * scale)
    n_cw = round(VENDOR_TICKETS["connectwise"] * scale)
    n_halo = args.tickets - n_at - n_cw
    n_outage = round(OUTAGE_TICKETS * scale)

    clients = client_table()
    active = active_matrix(clients)
    kinds = dict(zip(clients["name"], clients["kind"]))
    hours_effort = dict(zip(clients["name"], clients["hours_effort"]))

    halo = halo_tickets(rng, clients, n_halo, n_outage, active)
    at = autotask_tickets(rng, clients, n_at, active)
    cw = cw_tickets(rng, clients, n_cw, active)

    # Statuses first: time is only logged on done and in-progress tickets.
    halo["status"] = halo_status(halo, rng)
    at["status"] = np.where(~at["is_open"], "Complete",
                            np.where(at["responded"].isna(), "New",
                                     np.where(rng.random(len(at)) < 0.3, "Waiting Customer", "In Progress")))
    cw_done = np.where(cw["done"] < END - np.timedelta64(5, "D"), ">Closed", "Completed")
    cw["status"] = np.where(~cw["is_open"], cw_done,
                            np.where(cw["responded"].isna(), "New",
                                     np.where(rng.random(len(cw)) < 0.4, "Scheduled", "In Progress")))
    for t in (halo, at, cw):
        t["status_class"] = np.where(t["status"].isin(["In Progress", "Scheduled"]), "in_progress", "other")

    mix = sum(ENTRY_FACTOR[v] * VENDOR_TICKETS[v] for v in VENDOR_TICKETS) / sum(VENDOR_TICKETS.values())
    E = args.entries_per_ticket / mix
    halo_base = halo["category"].map(CATEGORY_HOURS).to_numpy() * halo["client"].map(hours_effort).to_numpy()
    at_issue_hours = {k: v[2] for k, v in AUTOTASK_ISSUES.items()}
    at_base = at["category"].map(at_issue_hours).to_numpy() * at["client"].map(hours_effort).to_numpy()
    halo_pools = {team: {**dict(zip(*team_members(team))), **HALO_HELPERS.get(team, {})}
                  for team in HALO_TEAMS}
    he = time_entries(rng, halo, E * ENTRY_FACTOR["halo"], halo["team"].to_numpy(), halo_pools, halo_base)
    ae = time_entries(rng, at, E * ENTRY_FACTOR["autotask"], at["team"].to_numpy(),
                      {AUTOTASK_QUEUE: dict(zip(*team_members(AUTOTASK_QUEUE)))}, at_base)
    # Project teammates help on the same kind of project: Marcus stays on T&M work.
    cw_pool = np.where(cw["covered"], "covered", "tm")
    ce = time_entries(rng, cw, E * ENTRY_FACTOR["connectwise"], cw_pool,
                      {"covered": CW_OWNERS_COVERED, "tm": CW_OWNERS_TM}, np.full(len(cw), 2.0))
    volume = scale * args.entries_per_ticket / DEFAULT_ENTRIES_PER_TICKET
    calibrate_hours([he, ae, ce], [4.0, 4.0, 8.0], volume)

    # What SPEC v2 reads besides (waits, reopens, escalations, internal time), from a
    # random stream of its own: nothing drawn above changes.
    extra = np.random.default_rng(EXTRA_SEED)
    for t, psa in ((halo, "halo"), (at, "autotask"), (cw, "connectwise")):
        wait_elsewhere(extra, t, psa)
    halo["reopens"], halo["escalations"] = flow_counts(extra, halo)
    internal = internal_work(extra)

    out = {}
    out.update(write_halo(rng, clients, halo, he, kinds, internal["tickets"], internal["halo"]))
    out.update(write_autotask(rng, at, ae, kinds, internal["autotask"]))
    out.update(write_cw(rng, cw, ce, internal["connectwise"]))
    out["technicians.csv"] = pd.DataFrame(
        [(name, team, cost, cap) for name, team, cost, cap, _u, _w in TECHNICIANS],
        columns=["name", "team", "hourly_cost", "weekly_capacity_hours"])
    out["_internal"] = {"halo": halo, "autotask": at, "connectwise": cw,
                        "entries": {"halo": he, "autotask": ae, "connectwise": ce},
                        "internal": internal}
    return out


def write_halo(rng, clients, t, e, kinds, internal_tickets, internal_entries) -> dict:
    tickets = pd.DataFrame({
        "id": np.arange(10001, 10001 + len(t)),
        "summary": t["summary"],
        "client_name": t["client"],
        "team": t["team"],
        "agent_name": t["agent"],
        "status_name": t["status"],
        "priority_id": t["priority"],
        "category_1": t["category"],
        "dateoccurred": iso(t["created"]),
        "responsedate": iso(t["responded"]),
        "respondbydate": iso(t["response_due"]),
        # Left empty on ~30% of tickets: Cadence derives it from the priority targets.
        "fixbydate": iso(np.where(rng.random(len(t)) < 0.30, np.datetime64("NaT"), t["resolution_due"])),
        "dateclosed": iso(t["done"]),
        "slastate": np.where(t["is_open"] | t["cancelled"], "", np.where(t["breached"], "Out", "In")),
        "reassigncount": t["escalations"],
        "reopen_count": t["reopens"],
    })
    rows = e["row"].to_numpy()
    billable = billable_halo(rng, e, t, kinds)
    team = t["team"].to_numpy()[rows]
    rate = pd.Series(team).map(HALO_RATE).to_numpy(dtype=float)
    # Some rows carry no rate (Cadence then uses its default bill rate); mostly non-billable ones.
    no_rate = rng.random(len(e)) < np.where(billable, 0.08, 0.5)
    billed = np.where(billable, np.maximum(e["hours"].to_numpy(), 0.5), 0.0)  # half-hour minimum charge
    actions = pd.DataFrame({
        "id": np.arange(200001, 200001 + len(e)),
        "ticket_id": tickets["id"].to_numpy()[rows],
        "who": e["tech"],
        "datetime": iso(e["at"]),
        "timetaken": e["hours"],
        "actionchargehours": billed,
        "actisbillable": np.where(billable, "True", "False"),
        "chargerate": pd.array(np.where(no_rate, np.nan, rate), dtype="Int64"),
        "client_name": t["client"].to_numpy()[rows],
    })
    s = surveys(rng, t, rough_weeks_apply=True)
    feedback = pd.DataFrame({
        "id": np.arange(1, len(s) + 1),
        "ticket_id": tickets["id"].to_numpy()[s["row"].to_numpy()],
        "score": s["score"],
        "date": iso(s["at"]),
        "comment": s["comment"],
    })
    tickets, actions, feedback = with_internal_work(tickets, actions, feedback, internal_tickets,
                                                    internal_entries)
    return {"halopsa_tickets.csv": tickets, "halopsa_actions.csv": actions,
            "halopsa_contracts.csv": halo_contracts(clients), "halopsa_feedback.csv": feedback}


def with_internal_work(tickets, actions, feedback, internal_tickets, internal_entries):
    """Northwind's internal tickets and their actions, merged into the Halo exports in the
    order Halo numbers them (tickets by creation, actions by time): every id is renumbered
    and the references follow."""
    it = internal_tickets
    extra = pd.DataFrame({
        "id": -1 - np.arange(len(it)),  # placeholders until renumbered
        "summary": it["summary"], "client_name": INTERNAL_CLIENT, "team": it["team"],
        "agent_name": it["agent"], "status_name": np.where(
            it["done"] < END - np.timedelta64(7, "D"), "Closed", "Resolved"),
        "priority_id": 5, "category_1": "Internal", "dateoccurred": iso(it["created"]),
        "responsedate": "", "respondbydate": "",
        "fixbydate": iso(SLA_CLOCK.add(it["created"].to_numpy(), np.full(len(it), RESOLUTION_TARGET[5]))),
        "dateclosed": iso(it["done"]), "slastate": "In", "reassigncount": 0, "reopen_count": 0,
    })
    merged = pd.concat([tickets, extra], ignore_index=True)
    merged = merged.sort_values(["dateoccurred", "id"], kind="stable").reset_index(drop=True)
    new_id = dict(zip(merged["id"], 10001 + np.arange(len(merged))))
    merged["id"] = merged["id"].map(new_id)
    by_key = dict(zip(it["key"], extra["id"].map(new_id)))

    ie = internal_entries
    more = pd.DataFrame({
        "id": 0, "ticket_id": ie["key"].map(by_key).to_numpy(), "who": ie["who"],
        "datetime": iso(ie["at"]), "timetaken": ie["hours"], "actionchargehours": 0.0,
        "actisbillable": "False", "chargerate": pd.array([pd.NA] * len(ie), dtype="Int64"),
        "client_name": INTERNAL_CLIENT,
    })
    actions = actions.assign(ticket_id=actions["ticket_id"].map(new_id))
    actions = pd.concat([actions, more], ignore_index=True)
    actions = actions.sort_values("datetime", kind="stable").reset_index(drop=True)
    actions["id"] = 200001 + np.arange(len(actions))
    feedback = feedback.assign(ticket_id=feedback["ticket_id"].map(new_id))
    return merged, actions, feedback


def write_autotask(rng, t, e, kinds, internal) -> dict:
    day = t["created"].to_numpy().astype("datetime64[D]")
    seq = pd.Series(day).groupby(day).cumcount().to_numpy() + 1
    numbers = ("T" + pd.Series(np.datetime_as_string(day)).str.replace("-", "", regex=False)
               + "." + pd.Series(seq).astype(str).str.zfill(4))
    done = t["done"].to_numpy()
    complete = np.where(np.isnat(done), done, done + rng.integers(0, 20, len(t)).astype("timedelta64[m]"))
    complete = np.where(complete < END, complete, done)
    sla_met = np.where(t["is_open"], "", np.where(t["breached"], "No", "Yes"))
    tickets = pd.DataFrame({
        "Ticket Number": numbers,
        "Title": t["summary"],
        "Account": t["client"],
        "Queue": AUTOTASK_QUEUE,
        "Status": t["status"],
        "Priority": pd.Series(t["priority"]).map({1: "Critical", 2: "High", 3: "Medium", 4: "Low"}),
        "Issue Type": t["category"],
        "Sub-Issue Type": t["sub_issue"],
        "Primary Resource": t["agent"],
        "Create Date": t["created"],
        "First Response Date/Time": t["responded"],
        "Resolved Date/Time": t["done"],
        "Complete Date": complete,
        "First Response Due Date/Time": t["response_due"],
        "Resolved Due Date/Time": t["resolution_due"],
        "Service Level Agreement Met": sla_met,
    })
    rows = e["row"].to_numpy()
    kind = t["client"].map(kinds).to_numpy()[rows]
    work_type = pick_dict(rng, AUTOTASK_WORK_TYPES, len(e))
    p = np.select([kind == "tm", kind == "block"], [TM_BILLABLE, BLOCK_BILLABLE], AUTOTASK_MANAGED_BILLABLE)
    billable = (rng.random(len(e)) < p) & (work_type != "Travel Time")
    hours = e["hours"].to_numpy()
    entries = pd.DataFrame({
        "Ticket Number": numbers.to_numpy()[rows],
        "Resource": e["tech"],
        "Date Worked": us_datetime(e["at"]),
        "Hours Worked": hours,
        "Hours To Bill": np.where(billable, hours, 0.0),
        "Non-Billable": np.where(billable, "False", "True"),
        "Hourly Rate": money(AUTOTASK_RATE),
        "Work Type": work_type,
    })
    # Harbor's internal time: Autotask time with no ticket (its client is none: internal).
    more = pd.DataFrame({
        "Ticket Number": "", "Resource": internal["who"], "Date Worked": us_datetime(internal["at"]),
        "Hours Worked": internal["hours"], "Hours To Bill": 0.0, "Non-Billable": "True",
        "Hourly Rate": "", "Work Type": internal["kind"],
    })
    when = np.concatenate([e["at"].to_numpy(), internal["at"].to_numpy()])
    entries = pd.concat([entries, more], ignore_index=True)
    entries = entries.iloc[np.argsort(when, kind="stable")].reset_index(drop=True)
    s = surveys(rng, t, rough_weeks_apply=False)  # Harbor's network was not affected
    survey = pd.DataFrame({
        "Ticket Number": numbers.to_numpy()[s["row"].to_numpy()],
        "Account": t["client"].to_numpy()[s["row"].to_numpy()],
        "Survey Rating": s["score"],
        "Complete Date": pd.Series(pd.to_datetime(s["at"])).dt.strftime("%m/%d/%Y"),
        "Comment": s["comment"],
    })
    return {"autotask_tickets.xlsx": tickets, "autotask_time_entries.csv": entries,
            "autotask_surveys.csv": survey}


def write_cw(rng, t, e, internal) -> dict:
    ids = np.arange(48201, 48201 + len(t))
    rows = e["row"].to_numpy()
    hours = e["hours"].to_numpy()
    start = e["at"].to_numpy()
    end = start + np.round(hours * 60).astype("timedelta64[m]")
    covered = t["covered"].to_numpy()[rows]
    u = rng.random(len(e))
    option = np.where(covered, np.select([u < 0.80, u < 0.90], ["DoNotBill", "NoCharge"], "Billable"),
                      np.select([u < 0.92, u < 0.97], ["Billable", "NoCharge"], "DoNotBill"))
    entries = pd.DataFrame({
        "id": np.arange(900001, 900001 + len(e)),
        "chargeToId": ids[rows],
        "member": e["tech"],
        "company": t["client"].to_numpy()[rows],
        "timeStart": to_utc_z(start),
        "timeEnd": to_utc_z(end),
        "actualHours": hours,
        "hoursBilled": np.where(option == "Billable", hours, 0.0),
        "billableOption": option,
        "hourlyRate": CW_RATE,
        "workType": pick_dict(rng, CW_WORK_TYPES, len(e)),
    })
    actual = np.bincount(rows, weights=hours, minlength=len(t))
    last_work = pd.Series(end).groupby(rows).max().reindex(range(len(t))).to_numpy()
    closed = np.where(t["status"] == ">Closed",
                      WORK_CLOCK.add(t["done"].fillna(END).to_numpy(), rng.integers(10, 1200, len(t))),
                      np.datetime64("NaT"))
    closed = np.where(closed < END, closed,  # closed after the export: show it closed at resolution
                      np.where(t["status"] == ">Closed", t["done"], np.datetime64("NaT")))
    updated = np.fmax(np.fmax(t["created"].to_numpy(), t["responded"].to_numpy()),
                      np.fmax(np.fmax(t["done"].to_numpy(), closed), last_work))
    in_sla = np.where(t["is_open"], t["resolution_due"] > END, ~t["breached"])
    tickets = pd.DataFrame({
        "id": ids,
        "summary": t["summary"],
        "company": t["client"],
        "board": "Projects",
        "team": CW_TEAM,
        "status": t["status"],
        "priority": np.asarray(CW_PRIORITIES, dtype=object)[t["priority"].to_numpy()],
        "type": t["category"],
        "subType": t["sub_type"],
        "source": t["source"],
        "dateEntered": to_utc_z(t["created"]),
        "dateResponded": to_utc_z(t["responded"]),
        "dateResolved": to_utc_z(t["done"]),
        "closedDate": to_utc_z(closed),
        "isInSla": np.where(in_sla, "true", "false"),
        "actualHours": np.round(actual, 2),
        "owner": t["agent"],
        "lastUpdated": to_utc_z(updated),
    })
    # The Projects team's internal time: charged to Northwind's own company, no ticket.
    i_start = internal["at"].to_numpy()
    i_end = i_start + np.round(internal["hours"].to_numpy() * 60).astype("timedelta64[m]")
    more = pd.DataFrame({
        "id": 0, "chargeToId": pd.array([pd.NA] * len(internal), dtype="Int64"),
        "member": internal["who"], "company": INTERNAL_CLIENT, "timeStart": to_utc_z(i_start),
        "timeEnd": to_utc_z(i_end), "actualHours": internal["hours"], "hoursBilled": 0.0,
        "billableOption": "DoNotBill", "hourlyRate": 0.0, "workType": internal["kind"],
    })
    entries["chargeToId"] = pd.array(entries["chargeToId"], dtype="Int64")
    entries = pd.concat([entries, more], ignore_index=True)
    entries = entries.iloc[np.argsort(np.concatenate([start, i_start]), kind="stable")]
    entries = entries.reset_index(drop=True)
    entries["id"] = 900001 + np.arange(len(entries))
    return {"connectwise_tickets.csv": tickets, "connectwise_time_entries.csv": entries,
            "connectwise_agreements.csv": cw_agreements()}


def write_all(files: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, df in files.items():
        if name.startswith("_"):
            continue
        path = out / name
        if name == "autotask_tickets.xlsx":
            dates = [c for c in df.columns if "Date" in c and "Due" not in c] + \
                    ["First Response Due Date/Time", "Resolved Due Date/Time"]
            write_autotask_xlsx(df, path, dates)
        elif name == "autotask_time_entries.csv":
            # A Windows export: cp1252, semicolons, CRLF.
            write_csv(df, path, sep=";", encoding="cp1252", lineterminator="\r\n")
        elif name == "autotask_surveys.csv":
            write_csv(df, path, encoding="utf-8-sig", lineterminator="\r\n")
        else:
            write_csv(df, path, encoding="utf-8")


# =========================================================================================
# Summary
# =========================================================================================

WAITING_WORDS = ("Waiting on Customer", "Waiting Customer", "Waiting on Vendor", "Waiting Vendor",
                 "On Hold")


def aged_past_sla(internal: dict, cutoff: np.datetime64, waiting_aged: bool = True) -> dict:
    """Tickets open at the cut-off whose resolution due time has passed, per team. With
    ``waiting_aged=False`` a ticket that waits (its status at the export, the only version
    the exports carry) is left out, as Cadence does by default (sla.age_waiting)."""
    counts = {}
    for t in (internal["halo"], internal["autotask"], internal["connectwise"]):
        done = t["done"].to_numpy()
        open_at = (t["created"].to_numpy() < cutoff) & (np.isnat(done) | (done >= cutoff))
        aged = open_at & (t["resolution_due"].to_numpy() < cutoff)
        if not waiting_aged:
            aged &= ~t["status"].isin(WAITING_WORDS).to_numpy()
        for team, n in pd.Series(aged).groupby(t["team"].to_numpy()).sum().items():
            counts[team] = counts.get(team, 0) + int(n)
    return counts


def summary(files: dict, out: Path, elapsed: float) -> None:
    internal = files["_internal"]
    halo, at, cw = internal["halo"], internal["autotask"], internal["connectwise"]
    work = internal["internal"]
    p = print
    p(f"Wrote {out} in {elapsed:.1f}s")
    p(f"Tickets: HaloPSA {len(halo):,} (+{len(work['tickets'])} internal)  Autotask {len(at):,}  "
      f"ConnectWise {len(cw):,}  total {len(halo) + len(at) + len(cw) + len(work['tickets']):,}")
    teams = pd.concat([halo["team"], at["team"], cw["team"]]).value_counts()
    p("Tickets per team (client work): " + ", ".join(f"{k} {v:,}" for k, v in teams.items()))
    ents = internal["entries"]
    n_e = sum(len(e) for e in ents.values())
    n_i = sum(len(work[k]) for k in ("halo", "autotask", "connectwise"))
    p(f"Time entries: HaloPSA {len(ents['halo']):,}  Autotask {len(ents['autotask']):,}  "
      f"ConnectWise {len(ents['connectwise']):,} on client tickets ({n_e / (len(halo) + len(at) + len(cw)):.2f} "
      f"per ticket), {n_i:,} internal; total {n_e + n_i:,}")
    p(f"CSAT responses: HaloPSA {len(files['halopsa_feedback.csv']):,}  "
      f"Autotask {len(files['autotask_surveys.csv']):,}")
    still_open = pd.concat([t.loc[t["is_open"], "team"] for t in (halo, at, cw)]).value_counts()
    p("Open at end: " + ", ".join(f"{k} {v}" for k, v in still_open.items()))
    waiting = pd.concat([t.loc[t["is_open"] & t["status"].isin(WAITING_WORDS), ["team", "status"]]
                         for t in (halo, at, cw)])
    p("Waiting at end: " + ", ".join(f"{k} {v}" for k, v in waiting["team"].value_counts().items()))
    aged = sorted(aged_past_sla(internal, END).items())
    p(f"Aged past SLA at cut-off {END_DAY}, waiting tickets included: "
      + ", ".join(f"{k} {v}" for k, v in aged))
    aged = sorted(aged_past_sla(internal, END, waiting_aged=False).items())
    p("  ... waiting tickets left out: " + ", ".join(f"{k} {v}" for k, v in aged))
    p(f"Reopened Halo tickets: {(halo['reopens'] > 0).sum():,}; passed on: {(halo['escalations'] > 0).sum():,}")
    total = 0
    for f in sorted(out.iterdir()):
        if f.suffix in (".csv", ".xlsx"):
            total += f.stat().st_size
            p(f"  {f.name:32s} {f.stat().st_size / 1024:9.1f} KiB")
    p(f"Total size of data files: {total / 1024 / 1024:.2f} MiB")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tickets", type=int, default=DEFAULT_TICKETS,
                    help="total tickets across the three PSAs")
    ap.add_argument("--entries-per-ticket", type=float, default=DEFAULT_ENTRIES_PER_TICKET,
                    help="average time entries per worked ticket")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output folder")
    ap.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = ap.parse_args(argv)
    if args.tickets < 1000 or args.entries_per_ticket < 1:
        ap.error("--tickets must be at least 1000 and --entries-per-ticket at least 1")
    started = time.perf_counter()
    files = build(args)
    write_all(files, args.out)
    if not args.quiet:
        summary(files, args.out, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
