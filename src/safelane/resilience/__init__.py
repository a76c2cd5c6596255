"""Resilience: disruptions and continuity plans, priority tiers, and the disruption simulator (issue 15).

During a declared disruption (a port closure, a system outage, a surge) essential goods and trusted traders go
first, and a supervisor can see, before committing to a plan, how fast each plan clears the backlog.
"""
