# Fuzz targets (libFuzzer + ASan/UBSan): `make fuzz` builds them into
# $(BUILD)/fuzz/; each also builds as a plain replay binary that the tests run
# over the checked-in corpus.
