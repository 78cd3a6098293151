"""What bench/ and tensorspec-charts share: benchmark groups and machine info, charts."""
