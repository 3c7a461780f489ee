"""The call-script panel and the Scripts page that edits question sets and rules."""
