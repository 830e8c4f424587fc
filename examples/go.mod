module example.com/eventpipe

go 1.22
