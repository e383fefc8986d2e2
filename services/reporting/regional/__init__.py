"""The regional (RCM) mode of the reporting service: a projection of the anonymised case
events every country publishes on ``crm.case-events.v1``, and small-cell-protected
statistics over it, for regional analysts (HTTP) and for ``crm.statistics.v1``."""
