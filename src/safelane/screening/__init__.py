"""Watch-list screening: list sources to FollowTheMoney entities, a candidate index, a matcher, an assessor."""
