"""The balance lab: many computer-against-computer games, calibration bands, sweeps."""
