"""Resilience (issue 15): disruptions and continuity plans, priority tiers, the disruption simulator, and
store-and-forward through a store outage.

During a declared disruption (a port closure, a system outage, a surge) essential goods and trusted traders go
first, and a supervisor can see, before committing to a plan, how fast each plan clears the backlog. While the
store is down, valid filings are accepted into a durable spool and forwarded in order when it is back.
"""
