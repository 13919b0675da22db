print("uvseg")
