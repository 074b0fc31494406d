"""Team and continuity: assistant profiles, absences and cover (issue 14)."""
