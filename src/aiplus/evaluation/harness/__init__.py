"""The evaluation harness's pure parts (no Django): bank mappings (a declared file maps a public set's columns and
categories onto bank items and TC260-003 Appendix A risk codes), the coverage of a bank against the standard's
minimums, and the judges. import-linter keeps Django out of this package."""
