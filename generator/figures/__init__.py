"""The figures: the SLA clock, reporting periods, one declaration per figure, every figure
per client and period (vectorised over the portfolio), and one client's figures for its pages."""
