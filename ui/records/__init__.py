"""The History: the session list, its filters, one session whole, supervisor actions, PDF
reports.
"""
