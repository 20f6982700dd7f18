"""What tests share that is not a fixture: fakes, builders and the service harness."""
