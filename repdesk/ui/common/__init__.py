"""What every page shares: action registry, theme, background workers, empty states, errors."""
