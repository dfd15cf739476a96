"""The writes of scheduling, one module per topic; ``programs.scheduling`` names them all."""
