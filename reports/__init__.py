"""Reports: scoring waves and files into the figures that dashboards and exports show (issue 6)."""
