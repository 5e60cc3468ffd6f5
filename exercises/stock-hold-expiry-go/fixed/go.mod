module example.test/stockholds

go 1.19
