"""Reports: speed to lead, follow-up coverage, funnel, by source and owner."""
