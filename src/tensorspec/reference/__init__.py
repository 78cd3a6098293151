"""Independent oracles the spec compares torch with: shapes, values, type promotion, conv sizes."""
